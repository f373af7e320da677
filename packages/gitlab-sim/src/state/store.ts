// SimState holds every table of the simulated instance. Routes read and write it
// directly; tests use the public helpers at the bottom to look behind the API
// (e.g. to revoke a token the way a person would in the GitLab UI).
import type { Seed, SeedDeployToken } from '../seed.js';
import { ACCESS_LEVEL } from './model.js';
import type { CiVariable, DeployKey, DeployKeyProject, DeployToken, Namespace, PersonalAccessToken, Project, User } from './model.js';
import { Sequence, nowIso, randomTokenBody } from './ids.js';
import { createCommit } from './repository.js';

function newSequences() {
  return {
    user: new Sequence(),
    pat: new Sequence(),
    namespace: new Sequence(),
    project: new Sequence(),
    deployToken: new Sequence(),
    deployKey: new Sequence(),
  };
}

export class SimState {
  readonly users = new Map<number, User>();
  readonly pats = new Map<number, PersonalAccessToken>();
  readonly namespaceTable = new Map<number, Namespace>();
  readonly projectTable = new Map<number, Project>();
  readonly deployTokenTable = new Map<number, DeployToken>();
  readonly deployKeyTable = new Map<number, DeployKey>();
  deployKeyProjects: DeployKeyProject[] = [];
  variableTable: CiVariable[] = [];

  readonly seq = newSequences();

  private readonly seed: Seed;

  constructor(seed: Seed) {
    // A copy, so a reset brings back the world as it was given, whatever the caller did since.
    this.seed = structuredClone(seed);
    this.load(seed);
  }

  /** Back to the seeded world: every table emptied and reloaded, IDs counting from 1 again. */
  reset(): void {
    for (const table of [this.users, this.pats, this.namespaceTable, this.projectTable, this.deployTokenTable, this.deployKeyTable]) {
      table.clear();
    }
    this.deployKeyProjects = [];
    this.variableTable = [];
    Object.assign(this.seq, newSequences());
    this.load(this.seed);
  }

  // ---- lookups used by routes ----

  userByUsername(username: string): User | undefined {
    const wanted = username.toLowerCase();
    for (const u of this.users.values()) if (u.username.toLowerCase() === wanted) return u;
    return undefined;
  }

  patByValue(token: string): PersonalAccessToken | undefined {
    for (const p of this.pats.values()) if (p.token === token) return p;
    return undefined;
  }

  namespace(id: number): Namespace | undefined {
    return this.namespaceTable.get(id);
  }

  /** A decoded `:id`: digits are an ID, anything else a full path (case-insensitive like GitLab routes). */
  namespaceByRef(ref: string): Namespace | undefined {
    if (/^-?\d+$/.test(ref)) return this.namespaceTable.get(Number(ref));
    const wanted = ref.toLowerCase();
    for (const n of this.namespaceTable.values()) if (n.fullPath.toLowerCase() === wanted) return n;
    return undefined;
  }

  groupByRef(ref: string): Namespace | undefined {
    const n = this.namespaceByRef(ref);
    return n?.kind === 'group' ? n : undefined;
  }

  projectFullPath(p: Project): string {
    return `${this.namespaceTable.get(p.namespaceId)?.fullPath ?? ''}/${p.path}`;
  }

  projectByRef(ref: string): Project | undefined {
    if (/^-?\d+$/.test(ref)) return this.projectTable.get(Number(ref));
    const wanted = ref.toLowerCase();
    for (const p of this.projectTable.values()) if (this.projectFullPath(p).toLowerCase() === wanted) return p;
    return undefined;
  }

  /** A project whose former path is `ref` (GitLab keeps redirect routes after a move). */
  movedProject(ref: string): Project | undefined {
    const wanted = ref.toLowerCase();
    for (const p of this.projectTable.values()) {
      if (p.previousPaths.some((old) => old.toLowerCase() === wanted)) return p;
    }
    return undefined;
  }

  /** The namespace and its ancestors, nearest first. */
  ancestry(namespaceId: number): Namespace[] {
    const out: Namespace[] = [];
    let n = this.namespaceTable.get(namespaceId);
    while (n) {
      out.push(n);
      n = n.parentId === null ? undefined : this.namespaceTable.get(n.parentId);
    }
    return out;
  }

  addProject(p: Omit<Project, 'id' | 'branches' | 'commits' | 'settings'> & { settings?: Record<string, unknown> }): Project {
    const project: Project = { settings: {}, ...p, id: this.seq.project.take(), branches: new Map(), commits: new Map() };
    this.projectTable.set(project.id, project);
    return project;
  }

  createDeployToken(
    owner: DeployToken['owner'],
    input: { name: string; scopes: string[]; username?: string | undefined; expiresAt: string | null; token?: string | undefined },
  ): DeployToken {
    const id = this.seq.deployToken.take();
    const token: DeployToken = {
      id,
      owner,
      name: input.name,
      // GitLab fills the default username after the insert, from the new row's ID.
      username: input.username ?? `gitlab+deploy-token-${id}`,
      token: input.token ?? `gldt-${randomTokenBody(20)}`,
      scopes: [...input.scopes],
      expiresAt: input.expiresAt,
      revoked: false,
      createdAt: nowIso(),
    };
    this.deployTokenTable.set(id, token);
    return token;
  }

  // ---- helpers for tests (not part of the HTTP contract) ----

  /** Deploy tokens of a project or group (ID or full path), revoked ones included. */
  deployTokens(ref: string | number): DeployToken[] {
    const key = String(ref);
    const project = this.projectByRef(key);
    const group = project ? undefined : this.groupByRef(key);
    const owner = project ? { kind: 'project', id: project.id } : group ? { kind: 'group', id: group.id } : undefined;
    if (!owner) throw new Error(`no project or group ${key}`);
    return [...this.deployTokenTable.values()]
      .filter((t) => t.owner.kind === owner.kind && t.owner.id === owner.id)
      .map((t) => ({ ...t, scopes: [...t.scopes] }));
  }

  /** Revokes a deploy token the way the GitLab UI does: it stays listed with revoked: true. */
  revokeDeployToken(id: number): boolean {
    const t = this.deployTokenTable.get(id);
    if (!t) return false;
    t.revoked = true;
    return true;
  }

  /** Deploy keys enabled on a project, with can_push from the join row. */
  deployKeys(projectRef: string | number): Array<DeployKey & { canPush: boolean }> {
    const p = this.mustProject(projectRef);
    return this.deployKeyProjects
      .filter((l) => l.projectId === p.id)
      .map((l) => ({ ...(this.deployKeyTable.get(l.keyId) as DeployKey), canPush: l.canPush }));
  }

  projects(): Array<{ id: number; pathWithNamespace: string; visibility: string; defaultBranch: string | null }> {
    return [...this.projectTable.values()].map((p) => ({
      id: p.id,
      pathWithNamespace: this.projectFullPath(p),
      visibility: p.visibility,
      defaultBranch: p.defaultBranch,
    }));
  }

  variables(projectRef: string | number): CiVariable[] {
    const p = this.mustProject(projectRef);
    return this.variableTable.filter((v) => v.projectId === p.id).map((v) => ({ ...v }));
  }

  /** Files of a branch (default branch when omitted) as UTF-8 strings. */
  files(projectRef: string | number, branch?: string): Record<string, string> {
    const p = this.mustProject(projectRef);
    const b = p.branches.get(branch ?? p.defaultBranch ?? 'main');
    const out: Record<string, string> = {};
    if (b) for (const [path, f] of b.files) out[path] = f.content.toString('utf8');
    return out;
  }

  private mustProject(ref: string | number): Project {
    const p = this.projectByRef(String(ref));
    if (!p) throw new Error(`no project ${ref}`);
    return p;
  }

  // ---- seed loading ----

  private load(seed: Seed): void {
    const created = nowIso();
    for (const su of seed.users) {
      const nsId = this.seq.namespace.take();
      const user: User = {
        id: this.seq.user.take(),
        username: su.username,
        name: su.name ?? su.username,
        email: su.email ?? `${su.username}@example.com`,
        admin: su.admin === true,
        state: su.state ?? 'active',
        createdAt: created,
        namespaceId: nsId,
      };
      this.users.set(user.id, user);
      this.namespaceTable.set(nsId, {
        id: nsId,
        kind: 'user',
        name: user.name,
        path: user.username,
        fullPath: user.username,
        parentId: null,
        visibility: 'public',
        description: '',
        createdAt: created,
        members: new Map(),
        ownerId: user.id,
      });
      for (const st of su.tokens ?? []) {
        const id = this.seq.pat.take();
        this.pats.set(id, {
          id,
          userId: user.id,
          name: st.name ?? `token-${id}`,
          token: st.token,
          scopes: [...st.scopes],
          expiresAt: st.expiresAt ?? null,
          revoked: st.revoked === true,
          createdAt: created,
          lastUsedAt: null,
        });
      }
    }
    for (const sg of seed.groups ?? []) {
      const parent = sg.parent === undefined ? undefined : this.groupByRef(sg.parent);
      if (sg.parent !== undefined && !parent) throw new Error(`seed: group ${sg.path}: unknown parent ${sg.parent}`);
      const id = this.seq.namespace.take();
      this.namespaceTable.set(id, {
        id,
        kind: 'group',
        name: sg.name ?? sg.path,
        path: sg.path,
        fullPath: parent ? `${parent.fullPath}/${sg.path}` : sg.path,
        parentId: parent ? parent.id : null,
        visibility: sg.visibility ?? 'private',
        description: sg.description ?? '',
        createdAt: created,
        members: this.memberMap(sg.members, `group ${sg.path}`),
        ownerId: null,
      });
    }
    for (const sp of seed.projects ?? []) {
      const ns = this.namespaceByRef(sp.namespace);
      if (!ns) throw new Error(`seed: project ${sp.path}: unknown namespace ${sp.namespace}`);
      const creator = ns.ownerId ?? [...this.users.values()][0]?.id ?? 0;
      const project = this.addProject({
        name: sp.name ?? sp.path,
        path: sp.path,
        namespaceId: ns.id,
        description: sp.description ?? '',
        visibility: sp.visibility ?? 'private',
        defaultBranch: sp.default_branch ?? 'main',
        createdAt: created,
        creatorId: creator,
        members: this.memberMap(sp.members, `project ${sp.path}`),
        previousPaths: [...(sp.previousPaths ?? [])],
      });
      const files = Object.entries(sp.files ?? {});
      if (files.length > 0) {
        createCommit(project, {
          branch: project.defaultBranch ?? 'main',
          message: 'Initial commit',
          actions: files.map(([file_path, content]) => ({ action: 'create', file_path, content })),
          authorName: 'Administrator',
          authorEmail: 'admin@example.com',
        });
      }
      for (const t of sp.deployTokens ?? []) this.seedToken({ kind: 'project', id: project.id }, t);
    }
    for (const [path, tokens] of Object.entries(seed.groupDeployTokens ?? {})) {
      const g = this.groupByRef(path);
      if (!g) throw new Error(`seed: groupDeployTokens: unknown group ${path}`);
      for (const t of tokens) this.seedToken({ kind: 'group', id: g.id }, t);
    }
  }

  private seedToken(owner: DeployToken['owner'], t: SeedDeployToken): void {
    const created = this.createDeployToken(owner, {
      name: t.name,
      scopes: t.scopes,
      username: t.username,
      expiresAt: t.expiresAt ? new Date(t.expiresAt).toISOString() : null,
      token: t.token,
    });
    created.revoked = t.revoked === true;
  }

  private memberMap(members: Record<string, keyof typeof ACCESS_LEVEL> | undefined, where: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const [username, role] of Object.entries(members ?? {})) {
      const u = this.userByUsername(username);
      if (!u) throw new Error(`seed: ${where}: unknown member ${username}`);
      const level = ACCESS_LEVEL[role];
      if (level === undefined) throw new Error(`seed: ${where}: unknown role ${role}`);
      out.set(u.id, level);
    }
    return out;
  }
}
