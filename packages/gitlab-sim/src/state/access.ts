// Who may see and do what. GitLab's rules in short: membership is inherited
// down the group tree, the highest level wins, admins can do everything, and a
// resource you cannot read does not exist for you (404, never 403).
import type { Namespace, Project, User } from './model.js';
import { ACCESS_LEVEL } from './model.js';
import type { SimState } from './store.js';

/** Highest level from the namespace and its ancestors (0 = none). */
export function namespaceAccess(state: SimState, user: User | null, ns: Namespace): number {
  if (!user) return 0;
  let level = 0;
  for (const n of state.ancestry(ns.id)) {
    if (n.ownerId === user.id) level = Math.max(level, ACCESS_LEVEL.owner);
    level = Math.max(level, n.members.get(user.id) ?? 0);
  }
  return level;
}

/** The caller's `permissions.project_access` / `group_access` levels, as GitLab reports them. */
export function projectPermissions(state: SimState, user: User | null, p: Project): { project: number; group: number } {
  if (!user) return { project: 0, group: 0 };
  const ns = state.namespace(p.namespaceId);
  let project = p.members.get(user.id) ?? 0;
  // The owner of a personal namespace is the project's Owner member.
  if (ns?.kind === 'user' && ns.ownerId === user.id) project = Math.max(project, ACCESS_LEVEL.owner);
  const group = ns?.kind === 'group' ? namespaceAccess(state, user, ns) : 0;
  return { project, group };
}

/** Effective level on a project; admins count as Owner. */
export function projectLevel(state: SimState, user: User | null, p: Project): number {
  if (!user) return 0;
  if (user.admin) return ACCESS_LEVEL.owner;
  const { project, group } = projectPermissions(state, user, p);
  return Math.max(project, group);
}

export function groupLevel(state: SimState, user: User | null, g: Namespace): number {
  if (!user) return 0;
  if (user.admin) return ACCESS_LEVEL.owner;
  return namespaceAccess(state, user, g);
}

function visibleByVisibility(user: User | null, visibility: string): boolean {
  return visibility === 'public' || (visibility === 'internal' && user !== null);
}

export function canReadProject(state: SimState, user: User | null, p: Project): boolean {
  return visibleByVisibility(user, p.visibility) || projectLevel(state, user, p) >= ACCESS_LEVEL.guest;
}

/** Reading code in a private project needs Reporter; Guests see the project but not its files. */
export function canReadCode(state: SimState, user: User | null, p: Project): boolean {
  return visibleByVisibility(user, p.visibility) || projectLevel(state, user, p) >= ACCESS_LEVEL.reporter;
}

export function canReadGroup(state: SimState, user: User | null, g: Namespace): boolean {
  return visibleByVisibility(user, g.visibility) || groupLevel(state, user, g) > 0 || memberInside(state, user, g);
}

function memberInside(state: SimState, user: User | null, g: Namespace): boolean {
  if (!user) return false;
  // Members of a subgroup or of a project inside can see the enclosing private group.
  for (const n of state.namespaceTable.values()) {
    if (n.members.has(user.id) && state.ancestry(n.id).some((a) => a.id === g.id)) return true;
  }
  for (const p of state.projectTable.values()) {
    if (p.members.has(user.id) && state.ancestry(p.namespaceId).some((a) => a.id === g.id)) return true;
  }
  return false;
}

/** GET /namespaces/:id is stricter than groups: membership (or admin) is required. */
export function canReadNamespace(state: SimState, user: User | null, ns: Namespace): boolean {
  if (!user) return false;
  if (user.admin) return true;
  if (ns.kind === 'user') return ns.ownerId === user.id;
  return namespaceAccess(state, user, ns) > 0 || memberInside(state, user, ns);
}
