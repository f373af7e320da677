/** SSH deploy keys kept in a Kubernetes Secret in Flux's format: flags, then one call to core's binding. */
import { Flags } from '@oclif/core';
import type { DeployKeySecretInput, DeployKeySpec, GitlabClient, GitlabRef } from '@glkeys/core';
import { bindingReport, secretBinding, secretOwners, secretTarget } from './kube.js';

export const keyGenerationFlags = {
  'ssh-key-algorithm': Flags.string({ summary: 'Algorithm of a generated key.', options: ['ecdsa', 'rsa', 'ed25519'], default: 'ecdsa' }),
  'ssh-ecdsa-curve': Flags.string({ summary: 'ECDSA curve.', options: ['p256', 'p384', 'p521'], default: 'p384' }),
  'ssh-rsa-bits': Flags.integer({ summary: 'RSA key size (2048..4096).', default: 2048 }),
};

export const sshHostFlag = {
  'ssh-hostname': Flags.string({ summary: 'SSH host[:port] for known_hosts (default: the GitLab host, port 22).' }),
};

/** How core's field names read as this command's flags, for errors. */
export const KEY_SECRET_FIELDS: Record<string, string> = {
  name: '--title',
  title: '--title',
  expiresAt: '--expires-at',
  expiresAfter: '--expires-in',
  knownHosts: '--ssh-hostname',
  'secret.name': '--secret',
  'secret.namespace': '--namespace',
  namespace: '--namespace',
  rsaBits: '--ssh-rsa-bits',
};

export function keySpec(
  flags: { 'ssh-key-algorithm': string; 'ssh-ecdsa-curve': string; 'ssh-rsa-bits': number },
  canPush: boolean,
): DeployKeySpec {
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
  return core.scanKnownHosts(host.host, host.port).catch((error: unknown) => {
    // The scan's host comes from --ssh-hostname (or the GitLab host): say so, not --hostname's hint.
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(new Error(`--ssh-hostname: ${message}; give the SSH host[:port] Git uses (default: the GitLab host, port 22)`), {
      field: '--ssh-hostname',
      code: (error as { code?: unknown }).code,
      cause: error,
    });
  });
}

export interface KeySecretFlags {
  secret: string;
  namespace: string;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  'take-over'?: boolean | undefined;
  'create-namespace'?: boolean | undefined;
}

export interface KeySecretInput {
  flags: KeySecretFlags;
  project: GitlabRef;
  spec: DeployKeySpec;
  /** Scanned before this is called; a placeholder line serves the local checks. */
  knownHosts: string;
  title: string;
  mode: 'ensure' | 'rotate';
}

/** Everything core can check without a call: run before the token prompt and any request. */
export async function checkKeySecret(input: Omit<KeySecretInput, 'knownHosts'>): Promise<void> {
  const core = await import('@glkeys/core');
  // known_hosts comes from a scan made later; a stand-in line lets every other rule run now.
  core.checkDeployKeySecret(bindingInput({ ...input, knownHosts: 'scanned-later' }, 'unknown'));
}

export async function deliverKeyToSecret(input: KeySecretInput & { client: GitlabClient }) {
  const core = await import('@glkeys/core');
  const { store, clusterId } = await secretTarget(input.flags, input.flags.namespace, input.flags.secret, {
    createNamespace: input.flags['create-namespace'] === true,
  });
  const { owner, legacyOwners } = secretOwners(core, clusterId, input.flags, `project ${core.formatRef(input.project)}`);
  const out = await core.deployKeyToSecret({ ...bindingInput(input, owner), legacyOwners, client: input.client, store });
  return { ...bindingReport(out), title: out.credential!.name, fingerprintSha256: out.credential!.fingerprintSha256 ?? null };
}

function bindingInput(input: KeySecretInput, owner: string): Omit<DeployKeySecretInput, 'client' | 'store'> {
  return {
    ...secretBinding(input.flags, input.mode),
    owner,
    name: input.title,
    target: { kind: 'project', ref: input.project },
    spec: input.spec,
    knownHosts: input.knownHosts,
  };
}
