/**
 * What differs between the two kinds: how a spec becomes core's binding input. Core speaks its own
 * field names; `FIELD_PATHS` maps them to the CR's (`spec.projectID`) when a condition reports.
 */
import {
  deployKeyToSecret,
  deployTokenToSecret,
  resolveTarget,
  type CredentialSecretInput,
  type CredentialSecretResult,
  type CredentialTarget,
  type GitlabClient,
} from '@glkeys/core';
import { parseSshHost } from '@glkeys/core';
import type { CommonSpec, DeployKeySpec, DeployTokenSpec } from './spec.js';

export type Common = Omit<CredentialSecretInput, 'target' | 'name' | 'client'> & { client: GitlabClient };

export interface KindAdapter<S extends CommonSpec> {
  kind: 'GitlabDeployToken' | 'GitlabDeployKey';
  plural: string;
  credentialKind: 'deploy-token' | 'deploy-key';
  /** Where the credential lives. Throws the field's ValidationError. */
  target(spec: S): CredentialTarget;
  /** Binds with core; `knownHosts` is resolved by the caller for keys. */
  bind(common: Common, spec: S, objectName: string, extra: { knownHosts?: string }): Promise<CredentialSecretResult>;
  /** Core field name -> CR field path, for messages. */
  fieldPaths: Record<string, string>;
}

const COMMON_PATHS: Record<string, string> = {
  expiresAt: 'spec.expiresAt',
  expiresAfter: 'spec.expiresAfter',
  'secret.name': 'spec.target.name',
  name: 'spec.name',
};

export const deployTokenKind: KindAdapter<DeployTokenSpec> = {
  kind: 'GitlabDeployToken',
  plural: 'gitlabdeploytokens',
  credentialKind: 'deploy-token',
  target: (spec) =>
    resolveTarget({ project: spec.projectID, group: spec.groupID }, { projectField: 'spec.projectID', groupField: 'spec.groupID' }),
  bind: (common, spec, objectName) =>
    deployTokenToSecret({
      ...common,
      name: spec.name ?? objectName,
      target: deployTokenKind.target(spec),
      spec: { scopes: spec.scopes, username: spec.username, expiresAfter: spec.expiresAfter, expiresAt: spec.expiresAt },
      format: spec.target.format ?? 'token',
      render: { registryHost: spec.target.registryHost },
    }),
  fieldPaths: {
    ...COMMON_PATHS,
    scopes: 'spec.scopes',
    username: 'spec.username',
    format: 'spec.target.format',
    registryHost: 'spec.target.registryHost',
  },
};

export const deployKeyKind: KindAdapter<DeployKeySpec> = {
  kind: 'GitlabDeployKey',
  plural: 'gitlabdeploykeys',
  credentialKind: 'deploy-key',
  target: (spec) => resolveTarget({ project: spec.projectID }, { projectField: 'spec.projectID' }),
  bind: (common, spec, objectName, extra) =>
    deployKeyToSecret({
      ...common,
      name: spec.title ?? objectName,
      target: deployKeyKind.target(spec),
      spec: {
        algorithm: spec.key?.algorithm ?? 'ecdsa',
        ...(spec.key?.ecdsaCurve ? { curve: spec.key.ecdsaCurve } : {}),
        ...(spec.key?.rsaBits ? { rsaBits: spec.key.rsaBits } : {}),
        canPush: spec.canPush ?? false,
        expiresAfter: spec.expiresAfter,
        expiresAt: spec.expiresAt,
      },
      knownHosts: extra.knownHosts ?? '',
    }),
  fieldPaths: { ...COMMON_PATHS, name: 'spec.title', title: 'spec.title', knownHosts: 'spec.knownHosts', rsaBits: 'spec.key.rsaBits' },
};

/** host[:port] to scan for a key's known_hosts: `sshHost`, else the GitLab URL's host on 22. */
export function sshHostOf(spec: DeployKeySpec): { host: string; port: number } {
  return spec.sshHost ? parseSshHost(spec.sshHost, 'spec.sshHost') : { host: new URL(spec.url ?? 'https://gitlab.com').hostname, port: 22 };
}
