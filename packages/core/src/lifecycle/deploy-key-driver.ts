import { deleteDeployKey, getDeployKey, isDeployKeyAlive, listDeployKeys, registerDeployKey, type DeployKey } from '../deploy-keys/api.js';
import { ValidationError } from '../errors.js';
import { resolveExpiry } from '../expiry.js';
import type { GitlabClient } from '../gitlab/client.js';
import { generateKeyPair } from '../ssh/generate.js';
import type { GenerateKeyPairOptions } from '../ssh/types.js';
import type { CredentialDriver, CredentialRecord } from './driver.js';
import { specHashOf } from './spec-hash.js';
import type { TargetRef } from './state.js';

// No passphrase: Flux reads a Secret's identity without one.
export interface DeployKeySpec extends Omit<GenerateKeyPairOptions, 'passphrase'> {
  /** Write access; read-only unless asked, as Flux does. */
  canPush?: boolean | undefined;
  /** Relative lifetime of each registered key (`30d`). */
  expiresAfter?: string | undefined;
  /** An absolute expiry for every key (rotation then stops at that date). */
  expiresAt?: string | undefined;
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

/** Checks a spec before anything is sent: deploy keys live on projects, expiry is valid. */
export function checkDeployKeySpec(kind: TargetRef['kind'], spec: DeployKeySpec): void {
  if (kind !== 'project') throw new ValidationError('target', 'a project', 'target: deploy keys belong to projects, not groups');
  resolveExpiry({ expiresAfter: spec.expiresAfter, expiresAt: spec.expiresAt });
}

/** The spec's hash: key type and size, write access, expiry policy (not the comment). */
export function deployKeySpecHash(spec: DeployKeySpec): string {
  const algorithm = spec.algorithm ?? 'ecdsa';
  return specHashOf({
    algorithm,
    curve: algorithm === 'ecdsa' ? (spec.curve ?? 'p384') : null,
    rsaBits: algorithm === 'rsa' ? (spec.rsaBits ?? 2048) : null,
    canPush: spec.canPush ?? false,
    expiresAfter: spec.expiresAfter ?? null,
    expiresAt: spec.expiresAt ?? null,
  });
}

export function deployKeyDriver(client: GitlabClient, target: TargetRef, spec: DeployKeySpec = {}): CredentialDriver<DeployKeyValue> {
  checkDeployKeySpec(target.kind, spec);
  const project = (at: TargetRef) => ({ kind: 'id' as const, id: at.id });
  const expiry = { expiresAfter: spec.expiresAfter, expiresAt: spec.expiresAt };
  return {
    kind: 'deploy-key',
    target,
    specHash: deployKeySpecHash(spec),
    async create(name, now, options = {}) {
      // A fresh key pair per generation: rotation must change the secret, not just the title.
      // Never a passphrase, even from an untyped caller: the Secret's identity must open without one.
      const { passphrase: _passphrase, ...keyOptions } = spec as GenerateKeyPairOptions;
      const pair = await generateKeyPair({ ...keyOptions, comment: spec.comment ?? 'glkeys' });
      const key = await registerDeployKey(
        client,
        project(target),
        { title: name, key: pair.publicKey, canPush: spec.canPush ?? false, ...expiry },
        now,
        options,
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
    async get(at, id, options = {}) {
      const key = await getDeployKey(client, project(at), id, options);
      return key && toRecord(key, new Date());
    },
    async list(at, options = {}) {
      const now = new Date();
      return (await listDeployKeys(client, project(at), options)).map((key) => toRecord(key, now));
    },
    revoke: (at, id, options = {}) => deleteDeployKey(client, project(at), id, options),
  };
}

function toRecord(key: DeployKey, now: Date): CredentialRecord {
  return {
    id: key.id,
    name: key.title,
    expiresAt: key.expiresAt,
    alive: isDeployKeyAlive(key, now),
    ...(key.fingerprintSha256 ? { fingerprintSha256: key.fingerprintSha256 } : {}),
  };
}
