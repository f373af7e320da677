import { Flags } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, kubeFlags, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { resolveHost } from '../../lib/gitlab.js';
import {
  KEY_SECRET_FIELDS,
  checkKeySecret,
  deliverKeyToSecret,
  keyGenerationFlags,
  keySpec,
  knownHostsFor,
  sshHostFlag,
  sshHostOf,
} from '../../lib/key-secret.js';
import { bindingFlags } from '../../lib/kube.js';
import { parseProject } from '../../lib/targets.js';

export interface KeyRotateResult {
  project: string;
  secret: { namespace: string; name: string };
  action: string;
  id: number;
  title: string;
  fingerprintSha256: string | null;
  revoked: number[];
}

export default class KeyRotate extends GlkeysCommand<KeyRotateResult> {
  static override summary =
    'Replace the deploy key held by a Kubernetes Secret (Flux SSH format): new key pair, Secret updated, old key removed.';
  static override examples = [
    '<%= config.bin %> key rotate --project platform/apps/web --title flux --secret flux-system --namespace flux-system',
  ];
  static override flags = {
    ...projectFlag,
    title: Flags.string({ summary: 'Title of the new deploy key (the owner marker is appended).', required: true }),
    'read-write': Flags.boolean({ summary: 'Allow pushing (default: read-only).' }),
    ...keyGenerationFlags,
    ...sshHostFlag,
    secret: Flags.string({ summary: 'The Secret holding the key (and its lifecycle state).', required: true, helpGroup: 'KUBERNETES' }),
    namespace: Flags.string({ summary: 'Namespace of --secret.', default: 'default', helpGroup: 'KUBERNETES' }),
    ...kubeFlags,
    ...bindingFlags,
    ...hostFlags,
  };
  static override fieldFlags = KEY_SECRET_FIELDS;

  async run(): Promise<KeyRotateResult> {
    const { flags } = await this.parse(KeyRotate);
    this.refuseUnusedKeyFlags(flags['ssh-key-algorithm']);
    const core = await import('@glkeys/core');
    const project = await parseProject(flags);
    const bound = { flags, project, spec: keySpec(flags, flags['read-write']), title: flags.title, mode: 'rotate' as const };
    await checkKeySecret(bound);
    const host = await sshHostOf(flags['ssh-hostname'], core.normalizeHost(resolveHost(flags.hostname), 'hostname'));
    const { client } = await gitlabClient(flags);
    // Scanned before anything is minted: a failed scan must not leave a key behind.
    const knownHosts = await knownHostsFor(host);
    const out = await deliverKeyToSecret({ ...bound, client, knownHosts });
    for (const warning of out.warnings) this.note(`Warning: ${warning}`);
    this.say(
      `${out.action === 'created' ? 'Created' : 'Rotated to'} deploy key ${out.id} (${out.fingerprintSha256}); Secret ${flags.namespace}/${flags.secret} updated${out.revoked.length ? `; removed ${out.revoked.join(', ')}` : ''}.`,
    );
    return {
      project: core.formatRef(project),
      secret: { namespace: flags.namespace, name: flags.secret },
      action: out.action,
      id: out.id,
      title: out.title,
      fingerprintSha256: out.fingerprintSha256,
      revoked: out.revoked,
    };
  }
}
