import { Flags } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { expiryFlags, hostFlags, secretFlags, targetFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { checkOutputFile, deliverOrRevoke, writeSecretFile } from '../../lib/output.js';
import { targetJson, type TargetJson } from '../../lib/present.js';
import { parseTarget } from '../../lib/targets.js';
import { bindingFlags } from '../../lib/kube.js';
import { TOKEN_SECRET_FIELDS, checkTokenSecret, deliverTokenToSecret, tokenFormatFlags } from '../../lib/token-secret.js';

export interface TokenCreateResult {
  target: TargetJson;
  id: number;
  name: string;
  /** GitLab's username of the token; null only when GitLab did not say. */
  username: string | null;
  scopes: string[];
  expiresAt: string | null;
  /** Where the value went: printed (`stdout`), a `file`, or a Kubernetes `secret`. */
  delivered: 'stdout' | 'file' | 'secret';
  /** The token value: present only when it is printed (no --output-file, no --secret). */
  token?: string;
  file?: string;
  secret?: { namespace: string; name: string; format: string; action: string };
  /** With --take-over: whose credentials were revoked to take the Secret over. */
  replacedOwner?: { ownerKey: string | undefined; revoked: number[] };
}

export default class TokenCreate extends GlkeysCommand<TokenCreateResult> {
  static override summary = 'Create a deploy token; its value is shown once, or written to a file (0600) or a Kubernetes Secret.';
  static override description =
    'GitLab never shows a token value again. Without --output-file or --secret the value is printed on stdout (that is the only output holding it). ' +
    'With --secret the token is managed by the lifecycle protocol: its state is kept on the Secret so `token rotate` can replace it later.';
  static override examples = [
    '<%= config.bin %> token create --project platform/apps/web --name ci-pull --scopes read_repository',
    '<%= config.bin %> token create --group platform --name registry --scopes read_registry --expires-in 30d --output-file ./token',
    '<%= config.bin %> token create --project 42 --name flux --secret flux-https --namespace flux-system --format flux-https',
  ];
  static override flags = {
    ...targetFlags,
    name: Flags.string({ summary: 'Token name (GitLab shows it in the UI).', required: true }),
    scopes: Flags.string({ summary: 'Scopes, comma-separated or repeated.', multiple: true, delimiter: ',', default: ['read_repository'] }),
    username: Flags.string({ summary: "Username of the token (default: GitLab's gitlab+deploy-token-N)." }),
    ...expiryFlags,
    'output-file': Flags.string({
      summary: 'Write the token value to this new file (mode 0600) instead of stdout; checked before GitLab is asked.',
      exclusive: ['secret'],
    }),
    force: Flags.boolean({ summary: 'Replace --output-file if it exists.', dependsOn: ['output-file'] }),
    ...tokenFormatFlags,
    ...secretFlags,
    ...bindingFlags,
    ...hostFlags,
  };
  static override fieldFlags = TOKEN_SECRET_FIELDS;

  async run(): Promise<TokenCreateResult> {
    const { flags } = await this.parse(TokenCreate);
    if (!flags.secret) {
      this.refuseGiven(SECRET_ONLY, 'without --secret (it describes the Secret the token would be written to)');
    } else if (flags.format !== 'dockerconfigjson') {
      this.refuseGiven(['registry-host'], `with --format ${flags.format} (only dockerconfigjson names a registry)`);
    }
    const core = await import('@glkeys/core');
    const target = await parseTarget(flags);
    const expiry = { expiresAt: flags['expires-at'], expiresAfter: flags['expires-in'] };
    // Validate everything before the token prompt and before any call.
    core.validateCreateDeployToken(target.kind, { name: flags.name, scopes: flags.scopes, username: flags.username, ...expiry });
    const spec = { scopes: flags.scopes, username: flags.username, ...expiry };
    const bound = flags.secret
      ? { flags: { ...flags, secret: flags.secret }, target, mode: 'ensure' as const, name: flags.name, spec, caCert: undefined }
      : undefined;
    if (bound) await checkTokenSecret(bound);
    if (flags['output-file']) await checkOutputFile(flags['output-file'], '--output-file', flags.force);

    const { client, caCert } = await gitlabClient(flags);
    if (bound) {
      const out = await deliverTokenToSecret({ ...bound, caCert, client });
      const where = `Secret ${flags.namespace}/${flags.secret}`;
      for (const warning of out.warnings) this.note(`Warning: ${warning}`);
      if (out.replacedOwner)
        this.note(
          `Took ${where} over from another owner; revoked its deploy tokens: ${out.replacedOwner.revoked.join(', ') || 'none live'}.`,
        );
      this.say(
        out.action === 'kept'
          ? `${where} already holds live deploy token ${out.id}; use \`token rotate\` to replace it.`
          : `${describeAction(out.action)} deploy token ${out.id} and wrote it to ${where} (${flags.format})${out.revoked.length ? `; revoked ${out.revoked.join(', ')}` : ''}.`,
      );
      return {
        target: targetJson(target),
        id: out.id,
        name: out.name,
        username: out.username,
        scopes: out.scopes,
        expiresAt: out.expiresAt,
        delivered: 'secret',
        secret: { namespace: flags.namespace, name: flags.secret!, format: flags.format, action: out.action },
        ...(out.replacedOwner ? { replacedOwner: { ownerKey: out.replacedOwner.ownerKey, revoked: out.replacedOwner.revoked } } : {}),
      };
    }

    // A create whose answer is lost is settled in core: what it made is revoked, and the error says so.
    const created = await core.createDeployTokenOrRevoke(client, target, {
      name: flags.name,
      scopes: flags.scopes,
      username: flags.username,
      ...expiry,
    });
    const base = {
      target: targetJson(target),
      id: created.id,
      name: created.name,
      username: created.username,
      scopes: [...created.scopes],
      expiresAt: created.expiresAt,
    };
    if (flags['output-file']) {
      await deliverOrRevoke(
        () => writeSecretFile(flags['output-file']!, created.token, { force: flags.force }),
        () => core.revokeDeployToken(client, target, created.id),
        `deploy token ${created.id}`,
      );
      this.say(`Created deploy token ${created.id} (username ${created.username}); value written to ${flags['output-file']} (mode 0600).`);
      return { ...base, delivered: 'file', file: flags['output-file'] };
    }
    if (!this.jsonEnabled()) {
      process.stderr.write(`Created deploy token ${created.id} (username ${created.username}). The value below is shown once:\n`);
      process.stdout.write(`${created.token}\n`);
    }
    return { ...base, delivered: 'stdout', token: created.token };
  }
}

/** Flags that only describe the --secret destination. */
const SECRET_ONLY = ['format', 'registry-host', 'namespace', 'take-over', 'create-namespace', 'kubeconfig', 'context'];

/** What happened to the Secret's credential, in words. */
function describeAction(action: string): string {
  return action === 'created' ? 'Created' : action === 'repaired' ? 'Replaced a dead or damaged token with' : 'Rotated to';
}
