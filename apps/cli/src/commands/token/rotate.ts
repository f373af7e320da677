import { Flags } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { expiryFlags, hostFlags, kubeFlags, targetFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { targetJson, type TargetJson } from '../../lib/present.js';
import { parseTarget } from '../../lib/targets.js';
import { bindingFlags } from '../../lib/kube.js';
import { TOKEN_SECRET_FIELDS, checkTokenSecret, deliverTokenToSecret, tokenFormatFlags } from '../../lib/token-secret.js';

export interface TokenRotateResult {
  target: TargetJson;
  secret: { namespace: string; name: string; format: string };
  /** `rotated`, or `created` when the Secret held no token yet. */
  action: string;
  id: number;
  name: string;
  expiresAt: string | null;
  /** IDs of the tokens revoked by this rotation. */
  revoked: number[];
}

export default class TokenRotate extends GlkeysCommand<TokenRotateResult> {
  static override summary =
    'Replace the deploy token held by a Kubernetes Secret: create the new one, write the Secret, revoke the old one.';
  static override description =
    'Goes through the lifecycle protocol with the Secret as its state store, so a crash at any point leaves no stray token: the next run finds and revokes it.';
  static override examples = [
    '<%= config.bin %> token rotate --project platform/apps/web --name flux --secret flux-https --namespace flux-system --format flux-https',
  ];
  static override flags = {
    ...targetFlags,
    name: Flags.string({ summary: 'Token name (the owner marker is appended).', required: true }),
    scopes: Flags.string({ summary: 'Scopes, comma-separated or repeated.', multiple: true, delimiter: ',', default: ['read_repository'] }),
    username: Flags.string({ summary: 'Username of the new token.' }),
    'expires-in': expiryFlags['expires-in'],
    secret: Flags.string({ summary: 'The Secret holding the token (and its lifecycle state).', required: true, helpGroup: 'KUBERNETES' }),
    namespace: Flags.string({ summary: 'Namespace of --secret.', default: 'default', helpGroup: 'KUBERNETES' }),
    ...tokenFormatFlags,
    ...kubeFlags,
    ...bindingFlags,
    ...hostFlags,
  };
  static override fieldFlags = TOKEN_SECRET_FIELDS;

  async run(): Promise<TokenRotateResult> {
    const { flags } = await this.parse(TokenRotate);
    if (flags.format !== 'dockerconfigjson') {
      this.refuseGiven(['registry-host'], `with --format ${flags.format} (only dockerconfigjson names a registry)`);
    }
    const target = await parseTarget(flags);
    const spec = { scopes: flags.scopes, username: flags.username, expiresAfter: flags['expires-in'] };
    const bound = { flags, target, mode: 'rotate' as const, name: flags.name, spec, caCert: undefined };
    await checkTokenSecret(bound);
    const format = flags.format;
    const { client, caCert } = await gitlabClient(flags);
    const out = await deliverTokenToSecret({ ...bound, caCert, client });
    for (const warning of out.warnings) this.note(`Warning: ${warning}`);
    this.say(
      `${out.action === 'created' ? 'Created' : 'Rotated to'} deploy token ${out.id}; Secret ${flags.namespace}/${flags.secret} updated${out.revoked.length ? `; revoked ${out.revoked.join(', ')}` : ''}.`,
    );
    return {
      target: targetJson(target),
      secret: { namespace: flags.namespace, name: flags.secret, format },
      action: out.action,
      id: out.id,
      name: out.name,
      expiresAt: out.expiresAt,
      revoked: out.revoked,
    };
  }
}
