import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Flags } from '@oclif/core';
import type { FileOutcome, GitAuth, SecretManifest, SyncFile } from '@glkeys/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { kubeFlags } from '../../lib/flags.js';
import { keyGenerationFlags, knownHostsFor } from '../../lib/key-secret.js';
import { secretTarget } from '../../lib/kube.js';
import { exportYaml } from '../../lib/bootstrap-output.js';

export interface BootstrapGitResult {
  url: string;
  transport: 'ssh' | 'https';
  secret: { namespace: string; name: string; written: boolean };
  /** SSH: the public key to register as a deploy key (the private half never leaves the Secret). */
  publicKey?: string;
  fingerprintSha256?: string;
  /** The commit pushed, or null (nothing changed, --export, --output-dir, or a generated key). */
  commit: { id: string } | null;
  pushed: boolean;
  /** created/updated/unchanged/kept on the branch; `printed` or `written` when not pushed. */
  files: { path: string; outcome: FileOutcome | 'printed' | 'written'; written: string | null }[];
  export?: string;
}

export default class BootstrapGit extends GlkeysCommand<BootstrapGitResult> {
  static override summary = '`flux bootstrap git` for any Git server: the Secret, and the sync manifests committed and pushed. No GitLab API calls.';
  static override description = `Pushes <path>/flux-system/gotk-sync.yaml (and kustomization.yaml only if absent) to --branch of --url with the system git, \
authenticating with the credential it stores in the Secret, then writes the Secret. A re-run with the same files makes no commit and no push.
SSH (ssh:// URL): --private-key-file (with --password as its passphrase); known_hosts is scanned from the URL's host and port and used for the push too. \
Without --private-key-file a key is generated and its public half printed to register as a deploy key; nothing is pushed then (the key cannot push yet): \
the manifests are printed, or written under --output-dir, for you to commit.
HTTPS: --username (default git) and --password, plus --ca-file. The password and key never appear in git's argv, the URL or any output.
--output-dir writes the files into that checkout instead of pushing; --export prints the Secret and manifests (no cluster, no push).
Git failures (credential refused, server unreachable, push rejected) exit 5 with what to do; bad input exits 2 before any Git or network call.`;
  static override examples = [
    '<%= config.bin %> bootstrap git --url ssh://git@gitlab.example.com:2222/team/fleet.git --private-key-file ./id_ecdsa --path clusters/dev',
    'GIT_PASSWORD=... <%= config.bin %> bootstrap git --url https://git.example.com/team/fleet.git --username flux --ca-file ./ca.pem',
    '<%= config.bin %> bootstrap git --url ssh://git@git.example.com/team/fleet.git --output-dir ./fleet',
    '<%= config.bin %> bootstrap git --url ssh://git@git.example.com/team/fleet.git --export',
  ];
  static override flags = {
    url: Flags.string({ summary: 'Repository URL: ssh://git@host[:port]/path or https://host/path.', required: true }),
    branch: Flags.string({ summary: 'Git branch (created from the remote HEAD when missing).', default: 'main' }),
    path: Flags.string({ summary: 'Path in the repository Flux syncs.', default: '' }),
    'private-key-file': Flags.file({ summary: 'SSH private key to store and push with (OpenSSH or PEM).', exists: true }),
    username: Flags.string({ summary: 'HTTPS username.', default: 'git' }),
    password: Flags.string({ summary: 'HTTPS password, or the passphrase of --private-key-file.', env: 'GIT_PASSWORD' }),
    'ca-file': Flags.file({ summary: 'CA bundle for HTTPS: trusted by the push and stored as ca.crt.', exists: true }),
    ...keyGenerationFlags,
    'secret-name': Flags.string({ summary: 'Name of the Secret.', default: 'flux-system' }),
    namespace: Flags.string({ summary: 'Namespace of the Secret and the Flux objects.', default: 'flux-system' }),
    interval: Flags.string({ summary: 'GitRepository sync interval.', default: '1m' }),
    'author-name': Flags.string({ summary: 'Commit author name.', default: 'Flux' }),
    'author-email': Flags.string({ summary: 'Commit author e-mail.', default: 'noreply@glkeys.invalid' }),
    'commit-message': Flags.string({ summary: 'Commit message.', default: 'Add Flux sync manifests' }),
    'output-dir': Flags.string({ summary: 'Write the sync manifests under this checkout instead of pushing.', exclusive: ['export'] }),
    export: Flags.boolean({ summary: 'Print the Secret (with its values) and sync manifests as YAML; no cluster, no push.' }),
    ...kubeFlags,
  };

  async run(): Promise<BootstrapGitResult> {
    this.normalizeBooleans(['export']);
    const { flags } = await this.parse(BootstrapGit);
    const core = await import('@glkeys/core');
    const url = core.parseGitRemoteUrl(flags.url, '--url');
    core.checkBranch(flags.branch, '--branch');
    const path = core.checkSyncPath(flags.path, '--path');
    core.checkNamespace(flags.namespace, '--namespace');
    core.checkSecretName(flags['secret-name'], '--secret-name');
    core.parseGoDuration(flags.interval, '--interval');
    core.checkCommitAuthor({ name: flags['author-name'], email: flags['author-email'] }, '--author-name', '--author-email');
    if (flags['commit-message'].trim() === '') throw new core.ValidationError('--commit-message', 'not empty', '--commit-message: must not be empty');
    if (url.transport === 'https' && !flags.password) {
      throw new core.ValidationError('--password', 'required for HTTPS', '--password (or GIT_PASSWORD) is required with an https:// URL');
    }
    if (url.transport === 'https' && flags['private-key-file']) {
      throw new core.ValidationError('--private-key-file', 'SSH only', '--private-key-file: only for an ssh:// URL; HTTPS uses --username/--password');
    }
    if (url.transport === 'ssh' && flags['ca-file']) {
      throw new core.ValidationError('--ca-file', 'HTTPS only', '--ca-file: only for an https:// URL');
    }

    let rendered: import('@glkeys/core').RenderedSecret;
    let publicKey: string | undefined;
    let fingerprint: string | undefined;
    let pushKey: string | undefined;
    if (url.transport === 'ssh') {
      const key = flags['private-key-file']
        ? await core.parsePrivateKey(await readFile(flags['private-key-file'], 'utf8'), flags.password)
        : undefined;
      const pair = key
        ? { privateKey: key.privateKeyOpenSsh, publicKey: key.publicKey, fingerprintSha256: key.fingerprintSha256 }
        : await core.generateKeyPair({
            algorithm: flags['ssh-key-algorithm'] as 'ecdsa',
            curve: flags['ssh-ecdsa-curve'] as 'p384',
            rsaBits: flags['ssh-rsa-bits'],
            comment: 'flux',
          });
      const knownHosts = await knownHostsFor({ host: url.host, port: url.port });
      rendered = core.renderKeySecret({ id: 0, privateKey: pair.privateKey, publicKey: pair.publicKey, fingerprintSha256: pair.fingerprintSha256, expiresAt: null }, knownHosts);
      publicKey = pair.publicKey;
      fingerprint = pair.fingerprintSha256;
      if (key) pushKey = key.privateKeyOpenSsh;
    } else {
      const caCert = flags['ca-file'] ? await readFile(flags['ca-file'], 'utf8') : undefined;
      rendered = core.renderTokenSecret('flux-https', { id: 0, username: flags.username, token: flags.password!, expiresAt: null }, caCert ? { caCert } : {});
    }
    // No GitLab credential stands behind this Secret, so it carries no credential ID.
    delete rendered.annotations[core.ANNOTATION_CREDENTIAL_ID];
    delete rendered.annotations[core.ANNOTATION_EXPIRES_AT];
    const manifest: SecretManifest = core.secretManifest({ name: flags['secret-name'], namespace: flags.namespace, rendered });
    const files: SyncFile[] = core.syncFiles({ name: flags.namespace, namespace: flags.namespace, url: flags.url, branch: flags.branch, secretName: flags['secret-name'], path, interval: flags.interval });

    const result: BootstrapGitResult = {
      url: flags.url,
      transport: url.transport,
      secret: { namespace: flags.namespace, name: flags['secret-name'], written: false },
      ...(publicKey ? { publicKey, fingerprintSha256: fingerprint! } : {}),
      commit: null,
      pushed: false,
      files: [],
    };
    if (flags.export) {
      const yaml = exportYaml(manifest, files);
      if (!this.jsonEnabled()) process.stdout.write(yaml);
      return { ...result, export: yaml, files: files.map((f) => ({ path: f.path, outcome: 'printed', written: null })) };
    }
    // Reach the cluster before pushing, so a bad kubeconfig fails before the repository changes.
    const { store } = await secretTarget(flags, flags.namespace, flags['secret-name']);
    // A generated key is not registered anywhere yet, so it cannot push.
    const canPush = !flags['output-dir'] && (url.transport === 'https' || flags['private-key-file'] !== undefined);
    if (canPush) {
      this.note(`Pushing the sync manifests to ${flags.url} (${flags.branch})…`);
      const auth: GitAuth =
        url.transport === 'ssh'
          ? { kind: 'ssh', privateKey: pushKey!, knownHosts: rendered.stringData['known_hosts']! }
          : { kind: 'https', username: flags.username, password: flags.password!, ...(rendered.stringData['ca.crt'] ? { caCert: rendered.stringData['ca.crt'] } : {}) };
      const pushed = await core.pushFiles({
        url: flags.url,
        branch: flags.branch,
        files,
        auth,
        message: flags['commit-message'],
        authorName: flags['author-name'],
        authorEmail: flags['author-email'],
      });
      result.pushed = pushed.pushed;
      result.commit = pushed.commit ? { id: pushed.commit.id } : null;
      result.files = pushed.files.map((f) => ({ path: f.path, outcome: f.outcome, written: null }));
    }
    await store.write(manifest);
    result.secret.written = true;
    if (!canPush) {
      for (const file of files) {
        if (flags['output-dir']) {
          const target = join(flags['output-dir'], file.path);
          const exists = await readFile(target, 'utf8').then(() => true, () => false);
          if (exists && file.onlyIfAbsent) {
            result.files.push({ path: file.path, outcome: 'kept', written: null });
            continue;
          }
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, file.content);
          result.files.push({ path: file.path, outcome: 'written', written: target });
        } else {
          result.files.push({ path: file.path, outcome: 'printed', written: null });
          this.say(`# ${file.path}\n${file.content}`);
        }
      }
    }
    if (canPush) {
      this.note(result.commit ? `Committed ${result.commit.id.slice(0, 12)} and pushed to ${flags.branch}.` : result.pushed ? `Created branch ${flags.branch}.` : 'Sync manifests already up to date: nothing committed or pushed.');
    }
    this.note(`Secret ${flags.namespace}/${flags['secret-name']} written.`);
    if (publicKey && !flags['private-key-file']) {
      this.note(`Register this public key as a deploy key on the repository (read-only is enough for Flux):\n${publicKey}\nfingerprint ${fingerprint}`);
    }
    if (!canPush) this.note(flags['output-dir'] ? `Commit and push the files under ${flags['output-dir']}.` : 'Commit the files above to the repository.');
    return result;
  }
}
