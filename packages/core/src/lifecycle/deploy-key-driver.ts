import {
  deleteDeployKey,
  getDeployKey,
  isDeployKeyAlive,
  listDeployKeys,
  registerDeployKey,
  type DeployKey,
} from '../deploy-keys/api.js';
import { resolveExpiry } from '../expiry.js';
import type { GitlabClient } from '../gitlab/client.js';
import type { GitlabRef } from '../ids/gitlab-ref.js';
import { generateKeyPair } from '../ssh/generate.js';
import type { GenerateKeyPairOptions } from '../ssh/types.js';
import type { CredentialDriver, CredentialRecord } from './driver.js';

export interface DeployKeySpec extends GenerateKeyPairOptions {
  /** Write access; read-only unless asked, as Flux does. */
  canPush?: boolean;
  expiresAfter?: string;
}

/** What a consumer stores for a deploy key. */
export interface DeployKeyValue {
  id: number;
  /** OpenSSH private key. A secret. */
  privateKey: string;
  publicKey: string;
  fingerprintSha256: string;
  expiresAt: string | null;
}

export function deployKeyDriver(client: GitlabClient, project: GitlabRef, spec: DeployKeySpec = {}): CredentialDriver<DeployKeyValue> {
  if (spec.expiresAfter !== undefined) resolveExpiry({ expiresAfter: spec.expiresAfter });
  return {
    kind: 'deploy-key',
    async create(name, now) {
      // A fresh key pair per generation: rotation must change the secret, not just the title.
      const pair = await generateKeyPair({ ...spec, comment: spec.comment ?? 'glkeys' });
      const key = await registerDeployKey(
        client,
        project,
        { title: name, key: pair.publicKey, canPush: spec.canPush ?? false, expiresAfter: spec.expiresAfter },
        now,
      );
      return {
        record: toRecord(key, now),
        value: {
          id: key.id,
          privateKey: pair.privateKey,
          publicKey: pair.publicKey,
          fingerprintSha256: pair.fingerprintSha256,
          expiresAt: key.expiresAt,
        },
      };
    },
    async get(id) {
      const key = await getDeployKey(client, project, id);
      return key && toRecord(key, new Date());
    },
    async list() {
      const now = new Date();
      return (await listDeployKeys(client, project)).map((key) => toRecord(key, now));
    },
    revoke: (id) => deleteDeployKey(client, project, id),
  };
}

function toRecord(key: DeployKey, now: Date): CredentialRecord {
  return { id: key.id, name: key.title, expiresAt: key.expiresAt, alive: isDeployKeyAlive(key, now) };
}
