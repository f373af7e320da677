// In-memory entities. Field names follow GitLab's database columns so the
// presenters in routes/ can map them to GitLab's API entities one to one.

export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';

/** GitLab's numeric access levels (Gitlab::Access). */
export const ACCESS_LEVEL: Record<Role, number> = {
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
};

export type Visibility = 'private' | 'internal' | 'public';

export interface PersonalAccessToken {
  id: number;
  userId: number;
  name: string;
  token: string;
  scopes: string[];
  /** YYYY-MM-DD like GitLab, or null for no expiry. */
  expiresAt: string | null;
  revoked: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface User {
  id: number;
  username: string;
  name: string;
  email: string;
  admin: boolean;
  state: 'active' | 'blocked';
  createdAt: string;
  /** ID of the user's personal namespace. */
  namespaceId: number;
}

export interface Namespace {
  id: number;
  kind: 'user' | 'group';
  name: string;
  path: string;
  fullPath: string;
  parentId: number | null;
  visibility: Visibility;
  description: string;
  createdAt: string;
  /** Direct members (groups only): user id -> access level. */
  members: Map<number, number>;
  /** Owner of a personal namespace. */
  ownerId: number | null;
}

export interface RepoFile {
  content: Buffer;
  executable: boolean;
  /** Commit that last touched the file (for last_commit_id). */
  lastCommitId: string;
}

export interface Commit {
  id: string;
  parentIds: string[];
  message: string;
  authorName: string;
  authorEmail: string;
  createdAt: string;
  additions: number;
  deletions: number;
  /** Paths the commit created, changed or removed (both sides of a move), for `?path=`. */
  paths: string[];
}

export interface Branch {
  name: string;
  head: string;
  files: Map<string, RepoFile>;
}

export interface Project {
  id: number;
  name: string;
  path: string;
  namespaceId: number;
  description: string;
  visibility: Visibility;
  defaultBranch: string | null;
  createdAt: string;
  creatorId: number;
  members: Map<number, number>;
  /** Old full paths that redirect here (GitLab's redirect routes). */
  previousPaths: string[];
  branches: Map<string, Branch>;
  commits: Map<string, Commit>;
  /** Settings given to POST /projects, reported back in the Project entity and not acted on. */
  settings: Record<string, unknown>;
}

export interface DeployToken {
  id: number;
  /** Which project or group the token belongs to. */
  owner: { kind: 'project' | 'group'; id: number };
  name: string;
  username: string;
  token: string;
  scopes: string[];
  expiresAt: string | null;
  revoked: boolean;
  createdAt: string;
}

export interface DeployKey {
  id: number;
  title: string;
  key: string;
  fingerprint: string;
  fingerprintSha256: string;
  createdAt: string;
  expiresAt: string | null;
  userId: number;
}

/** The join row between a project and a deploy key (GitLab's deploy_keys_projects). */
export interface DeployKeyProject {
  keyId: number;
  projectId: number;
  canPush: boolean;
}

export interface CiVariable {
  projectId: number;
  key: string;
  value: string;
  variableType: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  hidden: boolean;
  raw: boolean;
  environmentScope: string;
  description: string | null;
}
