/** SSH deploy keys delivered to a Kubernetes Secret in Flux's format through the lifecycle protocol. */
import { Flags } from '@oclif/core';
import type { DeployKeySpec, GitlabClient, GitlabRef } from '@glkeys/core';
import { secretTarget } from './kube.js';

export const keyGenerationFlags = {
  'ssh-key-algorithm': Flags.string({ summary: 'Algorithm of a generated key.', options: ['ecdsa', 'rsa', 'ed25519'], default: 'ecdsa' }),
  'ssh-ecdsa-curve': Flags.string({ summary: 'ECDSA curve.', options: ['p256', 'p384', 'p521'], default: 'p384' }),
  'ssh-rsa-bits': Flags.integer({ summary: 'RSA key size (2048..4096).', default: 2048 }),
};

export const sshHostFlag = {
  'ssh-hostname': Flags.string({ summary: 'SSH host[:port] for known_hosts (default: the GitLab host, port 22).' }),
};

export function keySpec(flags: { 'ssh-key-algorithm': string; 'ssh-ecdsa-curve': string; 'ssh-rsa-bits': number }, canPush: boolean): DeployKeySpec {
  return {
    algorithm: flags['ssh-key-algorithm'] as DeployKeySpec['algorithm'] & string,
    curve: flags['ssh-ecdsa-curve'] as NonNullable<DeployKeySpec['curve']>,
    rsaBits: flags['ssh-rsa-bits'],
    canPush,
  };
}

/** host[:port] to scan: --ssh-hostname, else the GitLab host on port 22. */
export async function sshHostOf(sshHostname: string | undefined, gitlabHost: string) {
  const core = await import('@glkeys/core');
  return sshHostname ? core.parseSshHost(sshHostname, '--ssh-hostname') : { host: new URL(gitlabHost).hostname, port: 22 };
}

export async function knownHostsFor(host: { host: string; port: number }): Promise<string> {
  const core = await import('@glkeys/core');
  return core.scanKnownHosts(host.host, host.port);
}

export interface KeySecretInput {
  flags: { secret: string; namespace: string; kubeconfig?: string | undefined; context?: string | undefined };
  client: GitlabClient;
  project: GitlabRef;
  spec: DeployKeySpec;
  knownHosts: string;
  title: string;
  mode: 'ensure' | 'rotate';
}

export async function deliverKeyToSecret(input: KeySecretInput) {
  const core = await import('@glkeys/core');
  const { store, clusterId } = await secretTarget(input.flags, input.flags.namespace, input.flags.secret);
  const owner = core.secretOwner({ clusterId, namespace: input.flags.namespace, secretName: input.flags.secret, target: `project ${core.formatRef(input.project)}` });
  const { result, warnings, manifest } = await core.credentialToSecret({
    store,
    secretName: input.flags.secret,
    namespace: input.flags.namespace,
    owner,
    credentialName: input.title,
    mode: input.mode,
    driver: core.deployKeyDriver(input.client, input.project, input.spec),
    render: (value) => core.renderKeySecret(value, input.knownHosts),
  });
  const current = result.state.current!;
  const fingerprint = manifest?.metadata.annotations[core.ANNOTATION_FINGERPRINT] ?? null;
  return { action: result.action, id: current.id, title: current.name, expiresAt: current.expiresAt, revoked: result.revoked, warnings, fingerprintSha256: fingerprint };
}
