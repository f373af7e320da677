/** JSON shapes of credentials (documented in the README). Never carries a secret value. */
import type { CredentialTarget, DeployKey, DeployToken } from '@glkeys/core/read';

export interface TargetJson {
  kind: 'project' | 'group';
  id: number | null;
  path: string | null;
}

export interface DeployTokenJson {
  id: number;
  name: string;
  username: string;
  scopes: string[];
  expiresAt: string | null;
  revoked: boolean;
  expired: boolean;
}

export interface DeployKeyJson {
  id: number;
  title: string;
  fingerprintSha256: string | null;
  canPush: boolean;
  createdAt: string | null;
  expiresAt: string | null;
}

export function targetJson(target: CredentialTarget): TargetJson {
  return {
    kind: target.kind,
    id: target.ref.kind === 'id' ? target.ref.id : null,
    path: target.ref.kind === 'path' ? target.ref.path : null,
  };
}

export function tokenJson(t: DeployToken): DeployTokenJson {
  return {
    id: t.id,
    name: t.name,
    username: t.username,
    scopes: [...t.scopes],
    expiresAt: t.expiresAt,
    revoked: t.revoked,
    expired: t.expired,
  };
}

export function keyJson(k: DeployKey): DeployKeyJson {
  return {
    id: k.id,
    title: k.title,
    fingerprintSha256: k.fingerprintSha256,
    canPush: k.canPush,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
  };
}
