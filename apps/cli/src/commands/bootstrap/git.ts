import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Flags } from '@oclif/core';
import type { SecretManifest, SyncFile } from '@glkeys/core';
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
  files: { path: string; written: string | null }[];
  export?: string;
}

export default class BootstrapGit extends GlkeysCommand<BootstrapGitResult> {
  static override summary = 'The credential side of `flux bootstrap git`: a Secret for any Git server and the sync manifests. No GitLab API calls.';
  static override description = `SSH (ssh:// URL): uses --private-key-file (with --password as its passphrase) or generates a key and prints its public half \
to register as a deploy key; known_hosts is read from the URL's host and port. HTTPS: --username (default git) and --password, plus --ca-file.
The sync manifests are written under --output-dir (default: printed on stdout) for you to commit; nothing is pushed.`;
  static override examples = [
    '<%= config.bin %> bootstrap git --url ssh://git@gitlab.example.com:2222/team/fleet.git --private-key-file ./id_ecdsa --path clusters/dev',
    '<%= config.bin %> bootstrap git --url https://git.example.com/team/fleet.git --username flux --password "$PASS" --output-dir ./fleet',
    '<%= config.bin %> bootstrap git --url ssh://git@git.example.com/team/fleet.git --export',
  ];
  static override flags = {
    url: Flags.string({ summary: 'Repository URL: ssh://git@host[:port]/path or https://host/path.', required: true }),
    branch: Flags.string({ summary: 'Git branch.', default: 'main' }),
    path: Flags.string({ summary: 'Path in the repository Flux syncs.', default: '' }),
    'private-key-file': Flags.file({ summary: 'SSH private key to store (OpenSSH or PEM).', exists: true }),
    username: Flags.string({ summary: 'HTTPS username.', default: 'git' }),
    password: Flags.string({ summary: 'HTTPS password, or the passphrase of --private-key-file.', env: 'GIT_PASSWORD' }),
    'ca-file': Flags.file({ summary: 'CA bundle stored as ca.crt for HTTPS.', exists: true }),
    ...keyGenerationFlags,
    'secret-name': Flags.string({ summary: 'Name of the Secret.', default: 'flux-system' }),
    namespace: Flags.string({ summary: 'Namespace of the Secret and the Flux objects.', default: 'flux-system' }),
    interval: Flags.string({ summary: 'GitRepository sync interval.', default: '1m' }),
    'output-dir': Flags.string({ summary: 'Write the sync manifests under this checkout of the repository.' }),
    export: Flags.boolean({ summary: 'Print the Secret (with its values) and sync manifests as YAML; no cluster.' }),
    ...kubeFlags,
  };

  async run(): Promise<BootstrapGitResult> {
    this.normalizeBooleans(['export']);
    const { flags } = await this.parse(BootstrapGit);
    const core = await import('@glkeys/core');
    const url = parseRepoUrl(flags.url, core.ValidationError);
    core.checkBranch(flags.branch, '--branch');
    const path = core.checkSyncPath(flags.path, '--path');
    core.checkNamespace(flags.namespace, '--namespace');
    core.checkSecretName(flags['secret-name'], '--secret-name');
    core.parseGoDuration(flags.interval, '--interval');
    if (url.transport === 'https' && !flags.password) {
      throw new core.ValidationError('--password', 'required for HTTPS', '--password (or GIT_PASSWORD) is required with an https:// URL');
    }

    let rendered: import('@glkeys/core').RenderedSecret;
    let publicKey: string | undefined;
    let fingerprint: string | undefined;
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
      files: [],
    };
    if (flags.export) {
      const yaml = exportYaml(manifest, files);
      if (!this.jsonEnabled()) process.stdout.write(yaml);
      return { ...result, export: yaml, files: files.map((f) => ({ path: f.path, written: null })) };
    }
    const { store } = await secretTarget(flags, flags.namespace, flags['secret-name']);
    await store.write(manifest);
    result.secret.written = true;
    for (const file of files) {
      if (flags['output-dir']) {
        const target = join(flags['output-dir'], file.path);
        const exists = await readFile(target, 'utf8').then(() => true, () => false);
        if (exists && file.onlyIfAbsent) {
          result.files.push({ path: file.path, written: null });
          continue;
        }
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
        result.files.push({ path: file.path, written: target });
      } else {
        result.files.push({ path: file.path, written: null });
        this.say(`# ${file.path}\n${file.content}`);
      }
    }
    this.note(`Secret ${flags.namespace}/${flags['secret-name']} written.`);
    if (publicKey && !flags['private-key-file']) {
      this.note(`Register this public key as a deploy key on the repository (read-only is enough for Flux):\n${publicKey}\nfingerprint ${fingerprint}`);
    }
    this.note(flags['output-dir'] ? `Commit and push the files under ${flags['output-dir']}.` : 'Commit the files above to the repository.');
    return result;
  }
}

function parseRepoUrl(
  text: string,
  ValidationError: new (field: string, rule: string, message?: string) => Error,
): { transport: 'ssh' | 'https'; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError('--url', 'ssh:// or https:// URL', `--url: "${text}" is not a URL; use ssh://git@host[:port]/path or https://host/path`);
  }
  if (url.protocol === 'ssh:') {
    if (url.password) throw new ValidationError('--url', 'no password in URL', '--url: must not contain a password');
    return { transport: 'ssh', host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 22 };
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    if (url.username || url.password) throw new ValidationError('--url', 'no credentials in URL', '--url: give --username/--password instead of credentials in the URL');
    return { transport: 'https', host: url.hostname, port: Number(url.port || 443) };
  }
  throw new ValidationError('--url', 'ssh:// or https:// URL', `--url: scheme ${url.protocol} is not ssh:// or https://`);
}
