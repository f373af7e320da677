/** Deploy tokens kept in a Kubernetes Secret: flags, then one call to core's binding. */
import { Flags } from '@oclif/core';
import type { CredentialTarget, DeployTokenSecretInput, GitlabClient } from '@glkeys/core';
import { bindingReport, secretBinding, secretOwners, secretTarget } from './kube.js';

export const tokenFormatFlags = {
  format: Flags.string({
    summary: 'Secret format: token (username/token), flux-https (username/password [+ca.crt]) or dockerconfigjson.',
    options: ['token', 'flux-https', 'dockerconfigjson'],
    default: 'token',
    helpGroup: 'KUBERNETES',
  }),
  'registry-host': Flags.string({
    summary: 'Registry host for --format dockerconfigjson (e.g. registry.gitlab.example.com).',
    helpGroup: 'KUBERNETES',
  }),
};

/** How core's field names read as this command's flags, for errors. */
export const TOKEN_SECRET_FIELDS: Record<string, string> = {
  format: '--format',
  registryHost: '--registry-host',
  scopes: '--scopes',
  username: '--username',
  name: '--name',
  expiresAt: '--expires-at',
  expiresAfter: '--expires-in',
  'secret.name': '--secret',
  'secret.namespace': '--namespace',
  namespace: '--namespace',
};

export interface TokenSecretFlags {
  secret: string;
  namespace: string;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  format: string;
  'registry-host'?: string | undefined;
  'take-over'?: boolean | undefined;
  'create-namespace'?: boolean | undefined;
}

export interface TokenSecretInput {
  flags: TokenSecretFlags;
  target: CredentialTarget;
  caCert: string | undefined;
  mode: 'ensure' | 'rotate';
  name: string;
  spec: DeployTokenSecretInput['spec'];
}

/** Everything core can check without a call: run before the token prompt and any request. */
export async function checkTokenSecret(input: TokenSecretInput): Promise<void> {
  const core = await import('@glkeys/core');
  // The owner is not known before the cluster is asked; nothing here checks it.
  core.checkDeployTokenSecret(bindingInput(input, 'unknown'));
}

export async function deliverTokenToSecret(input: TokenSecretInput & { client: GitlabClient }) {
  const core = await import('@glkeys/core');
  const { store, clusterId } = await secretTarget(input.flags, input.flags.namespace, input.flags.secret, {
    createNamespace: input.flags['create-namespace'] === true,
  });
  const { owner, legacyOwners } = secretOwners(core, clusterId, input.flags, core.describeTarget(input.target));
  const out = await core.deployTokenToSecret({ ...bindingInput(input, owner), legacyOwners, client: input.client, store });
  const credential = out.credential!;
  // A kept token was made by an earlier run, maybe with other scopes, and an old state may not
  // know its username: report what GitLab holds (one GET), never the flags of this run.
  let scopes = [...input.spec.scopes];
  let username = credential.username;
  if (out.result.action === 'kept' || username === undefined || username === '') {
    const row = await core.getDeployToken(input.client, { kind: out.target.kind, ref: { kind: 'id', id: out.target.id } }, credential.id);
    if (row) [scopes, username] = [[...row.scopes], row.username];
  }
  return { ...bindingReport(out), name: credential.name, username: username || null, scopes };
}

function bindingInput(input: TokenSecretInput, owner: string): Omit<DeployTokenSecretInput, 'client' | 'store'> {
  return {
    ...secretBinding(input.flags, input.mode),
    owner,
    name: input.name,
    target: input.target,
    spec: input.spec,
    format: input.flags.format,
    render: { caCert: input.caCert, registryHost: input.flags['registry-host'] },
  };
}
