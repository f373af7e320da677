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
import type { CredentialTarget } from '../target.js';
import type { CredentialDriver, CredentialRecord } from './driver.js';

export interface DeployTokenSpec {
  scopes: readonly string[];
  username?: string;
  /** Relative lifetime of each minted token (`30d`); absolute dates make no sense for rotation. */
  expiresAfter?: string;
  expiresAt?: string;
}

/** What a consumer stores for a deploy token. */
export interface DeployTokenValue {
  id: number;
  username: string;
  token: string;
  expiresAt: string | null;
}

export function deployTokenDriver(
  client: GitlabClient,
  target: CredentialTarget,
  spec: DeployTokenSpec,
): CredentialDriver<DeployTokenValue> {
  // Validate once up front so a bad spec fails before the intent is even recorded.
  validateCreateDeployToken(target.kind, { name: 'probe', ...spec });
  return {
    kind: 'deploy-token',
    async create(name, now) {
      const created = await createDeployToken(client, target, { ...spec, name }, now);
      return {
        record: toRecord(created, now),
        value: { id: created.id, username: created.username, token: created.token, expiresAt: created.expiresAt },
      };
    },
    async get(id) {
      const token = await getDeployToken(client, target, id);
      return token && toRecord(token, new Date());
    },
    async list() {
      const now = new Date();
      return (await listDeployTokens(client, target, { active: true })).map((token) => toRecord(token, now));
    },
    revoke: (id) => revokeDeployToken(client, target, id),
  };
}

function toRecord(token: DeployToken, now: Date): CredentialRecord {
  return { id: token.id, name: token.name, expiresAt: token.expiresAt, alive: isDeployTokenAlive(token, now) };
}
