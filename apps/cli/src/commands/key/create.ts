import { unlink } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { expiryFlags, hostFlags, projectFlag, secretFlags } from '../../lib/flags.js';
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
import { readUserFile } from '../../lib/files.js';
import { checkOutputFile, deliverOrRevoke, writeSecretFile } from '../../lib/output.js';
import { keyJson, type DeployKeyJson } from '../../lib/present.js';
import { parseProject } from '../../lib/targets.js';

export interface KeyCreateResult {
  project: string;
  key: DeployKeyJson;
  /** Where the private key went: `file`, `secret`, or `none` (you brought your own key). */
  delivered: 'file' | 'secret' | 'none';
  file?: string;
  secret?: { namespace: string; name: string; action: string };
}

export default class KeyCreate extends GlkeysCommand<KeyCreateResult> {
  static override summary = 'Register a deploy key on a project: generated (default ECDSA P-384) or yours, read-only unless --read-write.';
  static override description =
    "A generated private key is written to --output-file (mode 0600) or to a Kubernetes Secret in Flux's SSH format (identity, identity.pub, known_hosts); it is never printed. " +
    'With --private-key-file glkeys registers the public half of your key and writes nothing.';
  static override examples = [
    '<%= config.bin %> key create --project platform/apps/web --title deploy --output-file ./id_deploy',
    '<%= config.bin %> key create --project platform/apps/web --title flux --secret flux-system --namespace flux-system',
    '<%= config.bin %> key create --project 42 --title mine --private-key-file ~/.ssh/id_ed25519 --read-write',
  ];
  static override flags = {
    ...projectFlag,
    title: Flags.string({ summary: 'Title of the deploy key.', required: true }),
    'read-write': Flags.boolean({ summary: 'Allow pushing (default: read-only).' }),
    'private-key-file': Flags.file({
      summary: 'Use this private key (OpenSSH or PEM) instead of generating one.',
      exists: true,
      exclusive: ['output-file', 'secret'],
    }),
    passphrase: Flags.string({
      summary: 'Passphrase of --private-key-file, or to encrypt the generated key written to --output-file (or GLKEYS_KEY_PASSPHRASE).',
      env: 'GLKEYS_KEY_PASSPHRASE',
    }),
    ...keyGenerationFlags,
    ...expiryFlags,
    'output-file': Flags.string({
      summary:
        'Write the generated private key to this new file (mode 0600) and its public key to <file>.pub; checked before GitLab is asked.',
      exclusive: ['secret'],
    }),
    force: Flags.boolean({ summary: 'Replace --output-file and its .pub if they exist.', dependsOn: ['output-file'] }),
    ...sshHostFlag,
    ...secretFlags,
    ...bindingFlags,
    ...hostFlags,
  };
  static override fieldFlags = KEY_SECRET_FIELDS;

  async run(): Promise<KeyCreateResult> {
    const { flags } = await this.parse(KeyCreate);
    if (flags['private-key-file']) {
      this.refuseGiven(
        ['ssh-key-algorithm', 'ssh-ecdsa-curve', 'ssh-rsa-bits'],
        'with --private-key-file (your key is registered as it is)',
      );
    } else {
      this.refuseUnusedKeyFlags(flags['ssh-key-algorithm']);
    }
    if (!flags.secret) {
      this.refuseGiven(
        ['namespace', 'take-over', 'create-namespace', 'kubeconfig', 'context', 'ssh-hostname'],
        'without --secret (it describes the Secret the key would be written to)',
      );
    }
    const core = await import('@glkeys/core');
    const project = await parseProject(flags);
    core.checkDeployKeyTitle(flags.title, '--title');
    const expiry = { expiresAt: flags['expires-at'], expiresAfter: flags['expires-in'] };
    core.resolveExpiry(expiry);
    const where = core.formatRef(project);

    if (flags['private-key-file']) {
      const parsed = await core.parsePrivateKey(await readUserFile(flags['private-key-file'], '--private-key-file'), flags.passphrase);
      const { client } = await gitlabClient(flags);
      const registered = await core.registerDeployKeyOrFind(client, project, {
        title: flags.title,
        key: parsed.publicKey,
        canPush: flags['read-write'],
        ...expiry,
      });
      if (registered.recovered) this.note(RECOVERED);
      const key = keyJson(registered);
      this.say(`Registered deploy key ${key.id} (${key.fingerprintSha256}) on ${where}.`);
      return { project: where, key, delivered: 'none' };
    }
    if (!flags['output-file'] && !flags.secret) {
      throw Object.assign(
        new Error(
          'a generated private key needs a destination: give --output-file or --secret (or bring your own with --private-key-file)',
        ),
        {
          code: 'VALIDATION',
          field: '--output-file',
          rule: 'destination required',
        },
      );
    }
    const spec = keySpec(flags, flags['read-write']);
    if (flags.secret) {
      // Flux reads a Secret's identity without a passphrase: an encrypted one would not work, a
      // plain one would not be what was asked.
      this.refuseGiven(['passphrase'], 'with --secret (Flux reads the identity in the Secret without a passphrase)');
      const bound = {
        flags: { ...flags, secret: flags.secret },
        project,
        spec: { ...spec, ...expiry },
        title: flags.title,
        mode: 'ensure' as const,
      };
      await checkKeySecret(bound);
      const host = await sshHostOf(flags['ssh-hostname'], core.normalizeHost(resolveHost(flags.hostname), 'hostname'));
      const { client } = await gitlabClient(flags);
      // Scanned before anything is minted: a failed scan must not leave a key behind.
      const knownHosts = await knownHostsFor(host);
      const out = await deliverKeyToSecret({ ...bound, client, knownHosts });
      for (const warning of out.warnings) this.note(`Warning: ${warning}`);
      const key: DeployKeyJson = {
        id: out.id,
        title: out.title,
        fingerprintSha256: out.fingerprintSha256,
        canPush: flags['read-write'],
        createdAt: null,
        expiresAt: out.expiresAt,
      };
      this.say(
        out.action === 'kept'
          ? `Secret ${flags.namespace}/${flags.secret} already holds live deploy key ${out.id}; use \`key rotate\` to replace it.`
          : `Registered deploy key ${out.id} (${out.fingerprintSha256}) on ${where}; Secret ${flags.namespace}/${flags.secret} written.`,
      );
      return { project: where, key, delivered: 'secret', secret: { namespace: flags.namespace, name: flags.secret, action: out.action } };
    }
    const file = flags['output-file']!;
    await checkOutputFile(file, '--output-file', flags.force, [`${file}.pub`]);
    // With a passphrase the key is written encrypted (as `ssh-keygen -N`), never in the clear.
    const passphrase = flags.passphrase === undefined ? {} : { passphrase: flags.passphrase };
    const pair = await core.generateKeyPair({ ...spec, comment: flags.title, ...passphrase });
    const { client } = await gitlabClient(flags);
    const registered = await core.registerDeployKeyOrFind(client, project, {
      title: flags.title,
      key: pair.publicKey,
      canPush: flags['read-write'],
      ...expiry,
    });
    if (registered.recovered) this.note(RECOVERED);
    const key = keyJson(registered);
    await deliverOrRevoke(
      async () => {
        await writeSecretFile(file, pair.privateKey, { force: flags.force });
        await writeSecretFile(`${file}.pub`, pair.publicKey, { force: flags.force }).catch(async (error: unknown) => {
          await unlink(file).catch(() => undefined);
          throw error;
        });
      },
      () => core.deleteDeployKey(client, project, key.id),
      `deploy key ${key.id}`,
    );
    const how = flags.passphrase === undefined ? 'mode 0600' : 'mode 0600, encrypted with the passphrase';
    this.say(`Registered deploy key ${key.id} (${key.fingerprintSha256}) on ${where}; private key in ${file} (${how}).`);
    return { project: where, key, delivered: 'file', file };
  }
}

/** Said when GitLab registered the key but its answer was lost (core found it by its public key). */
const RECOVERED = "GitLab's answer to the registration was lost, but the key is registered (found by its public key): continuing.";
