// The seed is the whole starting world of a simulator, as plain JSON so the CLI
// can read it from a file and tests can build one inline.
import type { Role, Visibility } from './state/model.js';

export interface SeedPersonalAccessToken {
  /** The secret value clients send (any string; `glpat-` prefix is conventional). */
  token: string;
  name?: string;
  /** GitLab PAT scopes: api, read_api, read_user, read_repository, write_repository, ... */
  scopes: string[];
  /** YYYY-MM-DD; a past date makes the token answer 401 "Token has expired.". */
  expiresAt?: string | null;
  revoked?: boolean;
}

export interface SeedUser {
  username: string;
  name?: string;
  email?: string;
  admin?: boolean;
  state?: 'active' | 'blocked';
  tokens?: SeedPersonalAccessToken[];
}

export interface SeedGroup {
  /** Last path segment, e.g. `apps`. */
  path: string;
  name?: string;
  /** Full path of the parent group, e.g. `platform`. Omit for a top-level group. */
  parent?: string;
  visibility?: Visibility;
  description?: string;
  /** Direct members: username -> role. Membership is inherited by subgroups and projects. */
  members?: Record<string, Role>;
}

export interface SeedDeployToken {
  name: string;
  scopes: string[];
  username?: string;
  expiresAt?: string | null;
  revoked?: boolean;
  /** Fixed token value; a random `gldt-` value otherwise. */
  token?: string;
}

export interface SeedProject {
  path: string;
  name?: string;
  /** Full path of a group, or a username for a personal project. */
  namespace: string;
  visibility?: Visibility;
  description?: string;
  /** Default `main`. */
  default_branch?: string;
  members?: Record<string, Role>;
  /** Files of the default branch: path -> UTF-8 content. Empty repository when omitted. */
  files?: Record<string, string>;
  /** Former full paths: GET on them answers 301, other methods 405 (a moved project). */
  previousPaths?: string[];
  deployTokens?: SeedDeployToken[];
}

export interface Seed {
  users: SeedUser[];
  groups?: SeedGroup[];
  projects?: SeedProject[];
  /** Deploy tokens of groups, keyed by group full path. */
  groupDeployTokens?: Record<string, SeedDeployToken[]>;
}

/** Fixture PATs of the default seed. They exist only inside the simulator. */
export const SEED_TOKENS = {
  /** root, instance admin, scope api. */
  admin: 'glpat-sim-admin-00000000000',
  /** alice, Owner of group `platform`, scope api. */
  owner: 'glpat-sim-owner-00000000000',
  /** bob, Maintainer of subgroup `platform/apps`, scope api. */
  maintainer: 'glpat-sim-maintainer-000000',
  /** carol, Developer of subgroup `platform/apps`, scope api. */
  developer: 'glpat-sim-developer-0000000',
  /** alice again, but scope read_api only: reads pass, writes 403 insufficient_scope. */
  readApi: 'glpat-sim-readapi-000000000',
  /** alice, expired 2020-01-01: 401 invalid_token "Token has expired.". */
  expired: 'glpat-sim-expired-000000000',
  /** alice, revoked: 401 invalid_token "Token was revoked...". */
  revoked: 'glpat-sim-revoked-000000000',
  /** dave, member of nothing: private projects answer 404. */
  outsider: 'glpat-sim-outsider-00000000',
} as const;

export const SEED_USERS = {
  admin: 'root',
  owner: 'alice',
  maintainer: 'bob',
  developer: 'carol',
  outsider: 'dave',
} as const;

export const SEED_PATHS = {
  /** alice's personal namespace. */
  userNamespace: 'alice',
  group: 'platform',
  subgroup: 'platform/apps',
  /** Private project in the subgroup with a README and a .gitlab-ci.yml on `main`. */
  project: 'platform/apps/web',
  /** A second private project in the subgroup (for deploy-key sharing). */
  otherProject: 'platform/apps/api',
  /** A public project. */
  publicProject: 'platform/docs',
  /** alice's personal project. */
  personalProject: 'alice/sandbox',
  /** Former path of platform/apps/web: GET -> 301, other methods -> 405. */
  movedProject: 'platform/web',
} as const;

/** A fresh copy of the default world (tests may mutate it freely). */
export function defaultSeed(): Seed {
  return {
    users: [
      {
        username: 'root',
        name: 'Administrator',
        admin: true,
        tokens: [{ token: SEED_TOKENS.admin, name: 'admin', scopes: ['api'] }],
      },
      {
        username: 'alice',
        name: 'Alice Owner',
        tokens: [
          { token: SEED_TOKENS.owner, name: 'owner', scopes: ['api'] },
          { token: SEED_TOKENS.readApi, name: 'read-only', scopes: ['read_api'] },
          { token: SEED_TOKENS.expired, name: 'expired', scopes: ['api'], expiresAt: '2020-01-01' },
          { token: SEED_TOKENS.revoked, name: 'revoked', scopes: ['api'], revoked: true },
        ],
      },
      {
        username: 'bob',
        name: 'Bob Maintainer',
        tokens: [{ token: SEED_TOKENS.maintainer, name: 'maintainer', scopes: ['api'] }],
      },
      {
        username: 'carol',
        name: 'Carol Developer',
        tokens: [{ token: SEED_TOKENS.developer, name: 'developer', scopes: ['api'] }],
      },
      {
        username: 'dave',
        name: 'Dave Outsider',
        tokens: [{ token: SEED_TOKENS.outsider, name: 'outsider', scopes: ['api'] }],
      },
    ],
    groups: [
      { path: 'platform', name: 'Platform', visibility: 'private', members: { alice: 'owner' } },
      {
        path: 'apps',
        name: 'Apps',
        parent: 'platform',
        visibility: 'private',
        members: { bob: 'maintainer', carol: 'developer' },
      },
    ],
    projects: [
      {
        path: 'web',
        name: 'Web',
        namespace: 'platform/apps',
        visibility: 'private',
        default_branch: 'main',
        previousPaths: ['platform/web'],
        files: {
          'README.md': '# web\n',
          '.gitlab-ci.yml': 'stages: [build]\nbuild:\n  stage: build\n  script:\n    - echo build\n',
        },
      },
      { path: 'api', name: 'API', namespace: 'platform/apps', visibility: 'private', files: { 'README.md': '# api\n' } },
      { path: 'docs', name: 'Docs', namespace: 'platform', visibility: 'public', files: { 'README.md': '# docs\n' } },
      { path: 'sandbox', name: 'Sandbox', namespace: 'alice', visibility: 'private' },
    ],
  };
}
