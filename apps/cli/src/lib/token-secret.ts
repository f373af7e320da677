/** Deploy tokens delivered to a Kubernetes Secret through the lifecycle protocol (create and rotate). */
import { Flags } from '@oclif/core';
import type { CredentialTarget, GitlabClient, SecretFormat } from '@glkeys/core';
import { secretTarget } from './kube.js';

export const tokenFormatFlags = {
  format: Flags.string({
    summary: 'Secret format: token (username/token), flux-https (username/password [+ca.crt]) or dockerconfigjson.',
    options: ['token', 'flux-https', 'dockerconfigjson'],
    default: 'token',
    helpGroup: 'KUBERNETES',
  }),
  'registry-host': Flags.string({ summary: 'Registry host for --format dockerconfigjson (e.g. registry.gitlab.example.com).', helpGroup: 'KUBERNETES' }),
};

export interface TokenSecretInput {
  flags: { secret: string; namespace: string; kubeconfig?: string | undefined; context?: string | undefined; 'registry-host'?: string | undefined };
  client: GitlabClient;
  target: CredentialTarget;
  format: SecretFormat;
  caCert: string | undefined;
  mode: 'ensure' | 'rotate';
  name: string;
  scopes: string[];
  username?: string | undefined;
  expiresAfter?: string | undefined;
  expiresAt?: string | undefined;
}

export async function deliverTokenToSecret(input: TokenSecretInput) {
  const core = await import('@glkeys/core');
  const { store, clusterId } = await secretTarget(input.flags, input.flags.namespace, input.flags.secret);
  const owner = core.secretOwner({ clusterId, namespace: input.flags.namespace, secretName: input.flags.secret, target: core.describeTarget(input.target) });
  const { result, warnings, manifest } = await core.credentialToSecret({
    store,
    secretName: input.flags.secret,
    namespace: input.flags.namespace,
    owner,
    credentialName: input.name,
    mode: input.mode,
    driver: core.deployTokenDriver(input.client, input.target, {
      scopes: input.scopes,
      ...(input.username ? { username: input.username } : {}),
      ...(input.expiresAfter ? { expiresAfter: input.expiresAfter } : {}),
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    }),
    render: (value) =>
      core.renderTokenSecret(input.format, value, {
        ...(input.caCert ? { caCert: input.caCert } : {}),
        ...(input.flags['registry-host'] ? { registryHost: input.flags['registry-host'] } : {}),
      }),
  });
  const current = result.state.current!;
  // The username is in the Secret for the token and flux-https formats; no extra GitLab call.
  const encoded = manifest?.data['username'];
  const username = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  return { action: result.action, id: current.id, name: current.name, expiresAt: current.expiresAt, revoked: result.revoked, warnings, username };
}
