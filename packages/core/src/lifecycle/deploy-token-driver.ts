import {
  createDeployToken,
  getDeployToken,
  isDeployTokenAlive,
  listDeployTokens,
  revokeDeployToken,
  type DeployToken,
} from '../deploy-tokens/api.js';
import { validateCreateDeployToken } from '../deploy-tokens/validate.js';
import type { GitlabClient } from '../gitlab/client.js';
import type { CredentialDriver, CredentialRecord } from './driver.js';
import { specHashOf } from './spec-hash.js';
import type { TargetRef } from './state.js';
import { targetOf } from './target-ref.js';

export interface DeployTokenSpec {
  scopes: readonly string[];
  username?: string | undefined;
  /** Relative lifetime of each minted token (`30d`); absolute dates make no sense for rotation. */
  expiresAfter?: string | undefined;
  expiresAt?: string | undefined;
}

/** What a consumer stores for a deploy token. */
export interface DeployTokenValue {
  id: number;
  username: string;
  token: string;
  expiresAt: string | null;
}

/** Checks a spec for a target kind before anything is sent; throws the field's ValidationError. */
export function checkDeployTokenSpec(kind: TargetRef['kind'], spec: DeployTokenSpec): void {
  validateCreateDeployToken(kind, { name: 'probe', ...spec });
}

/** The spec's hash: scopes as a set, username, expiry policy. */
export function deployTokenSpecHash(spec: DeployTokenSpec): string {
  return specHashOf({
    scopes: [...new Set(spec.scopes)].sort(),
    username: spec.username ?? null,
    expiresAfter: spec.expiresAfter ?? null,
    expiresAt: spec.expiresAt ?? null,
  });
}

export function deployTokenDriver(client: GitlabClient, target: TargetRef, spec: DeployTokenSpec): CredentialDriver<DeployTokenValue> {
  // Validate once up front so a bad spec fails before the intent is even recorded.
  checkDeployTokenSpec(target.kind, spec);
  return {
    kind: 'deploy-token',
    target,
    specHash: deployTokenSpecHash(spec),
    async create(name, now, options = {}) {
      const created = await createDeployToken(client, targetOf(target), { ...spec, name }, now, options);
      return {
        record: toRecord(created, now),
        value: { id: created.id, username: created.username, token: created.token, expiresAt: created.expiresAt },
      };
    },
    async get(at, id, options = {}) {
      const token = await getDeployToken(client, targetOf(at), id, options);
      return token && toRecord(token, new Date());
    },
    async list(at, options = {}) {
      const now = new Date();
      return (await listDeployTokens(client, targetOf(at), { active: true, ...options })).map((token) => toRecord(token, now));
    },
    revoke: (at, id, options = {}) => revokeDeployToken(client, targetOf(at), id, options),
  };
}

function toRecord(token: DeployToken, now: Date): CredentialRecord {
  return { id: token.id, name: token.name, expiresAt: token.expiresAt, alive: isDeployTokenAlive(token, now), username: token.username };
}
