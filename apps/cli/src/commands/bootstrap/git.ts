import { Flags } from '@oclif/core';
import type { FileOutcome, GitBootstrapCredential, GitBootstrapResult } from '@glkeys/core/bootstrap';
import { GlkeysCommand } from '../../lib/base-command.js';
import { kubeFlags } from '../../lib/flags.js';
import { keyGenerationFlags } from '../../lib/key-secret.js';
import { createsNamespace, secretTarget } from '../../lib/kube.js';
import { exportYaml } from '../../lib/bootstrap-output.js';
import { withInterrupt } from '../../lib/interrupt.js';
import { readUserFile } from '../../lib/files.js';

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
  /** SSH: `given` (--private-key-file), `kept` (already in the Secret) or `generated`. */
  keySource?: 'given' | 'kept' | 'generated';
  /** created/updated/unchanged/kept on the branch or under --output-dir; `printed` when only shown. */
  files: { path: string; outcome: FileOutcome | 'printed'; written: string | null }[];
  export?: string;
}

export default class BootstrapGit extends GlkeysCommand<BootstrapGitResult> {
  static override summary =
    '`flux bootstrap git` for any Git server: the Secret, and the sync manifests committed and pushed. No GitLab API calls.';
  static override description = `Pushes <path>/flux-system/gotk-sync.yaml (and kustomization.yaml only if absent) to --branch of --url with the system git, \
authenticating with the credential it stores in the Secret, then writes the Secret. A re-run with the same files makes no commit and no push.
SSH (ssh:// URL): --private-key-file (with --password as its passphrase); known_hosts is scanned from the URL's host and port and used for the push too. \
Without --private-key-file the key already in the Secret is kept (a re-run does not replace the deploy key you registered), else one is generated \
and its public half printed to register as a deploy key; nothing is pushed with such a key: the manifests are printed, or written under --output-dir, for you to commit.
HTTPS: --username (default git) and GIT_PASSWORD (or --password, which shell history keeps), plus --ca-file; http:// only to this machine unless --allow-insecure-http. \
The password and key never appear in git's argv, the URL or any output.
--output-dir writes the files into that checkout instead of pushing; --export prints the Secret and manifests (no cluster, no push).
Git failures (credential refused, server unreachable, push rejected) exit 5 with what to do; bad input exits 2 before any Git or network call.
Ctrl-C (or SIGTERM) stops git, removes the temporary key, writes no Secret and exits 130, saying whether the push may have reached the server.`;
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
    namespace: Flags.string({
      summary: 'Namespace of the Secret and the Flux objects (flux-system is created when missing, as Flux does).',
      default: 'flux-system',
    }),
    'create-namespace': Flags.boolean({ summary: 'Create --namespace when missing (needed for a namespace other than flux-system).' }),
    interval: Flags.string({ summary: 'GitRepository sync interval.', default: '1m' }),
    'allow-insecure-http': Flags.boolean({ summary: 'Allow an http:// URL to another machine (the password travels in clear).' }),
    'author-name': Flags.string({ summary: 'Commit author name (default: Flux).' }),
    'author-email': Flags.string({ summary: 'Commit author e-mail (default: noreply@glkeys.invalid).' }),
    'commit-message': Flags.string({ summary: 'Commit message (default: "Add Flux sync manifests").' }),
    'output-dir': Flags.string({ summary: 'Write the sync manifests under this checkout instead of pushing.', exclusive: ['export'] }),
    export: Flags.boolean({ summary: 'Print the Secret (with its values) and sync manifests as YAML; no cluster, no push.' }),
    ...kubeFlags,
  };

  async run(): Promise<BootstrapGitResult> {
    this.normalizeBooleans(['export', 'allow-insecure-http']);
    const { flags } = await this.parse(BootstrapGit);
    const core = await import('@glkeys/core');
    const bootstrap = await import('@glkeys/core/bootstrap');
    const transport = flags.url.startsWith('ssh://') ? 'ssh' : 'https';
    this.refuseNoEffect(transport, flags);
    const credential: GitBootstrapCredential =
      transport === 'ssh'
        ? {
            kind: 'ssh',
            ...(flags['private-key-file'] ? { privateKey: await readUserFile(flags['private-key-file'], '--private-key-file') } : {}),
            ...(flags.password === undefined ? {} : { passphrase: flags.password }),
            generate: {
              algorithm: flags['ssh-key-algorithm'] as 'ecdsa',
              curve: flags['ssh-ecdsa-curve'] as 'p384',
              rsaBits: flags['ssh-rsa-bits'],
            },
          }
        : {
            kind: 'https',
            username: flags.username,
            password: flags.password ?? '',
            ...(flags['ca-file'] ? { caCert: await readUserFile(flags['ca-file'], '--ca-file') } : {}),
          };
    const input = {
      url: flags.url,
      branch: flags.branch,
      path: flags.path,
      namespace: flags.namespace,
      secretName: flags['secret-name'],
      interval: flags.interval,
      credential,
      allowInsecureHttp: flags['allow-insecure-http'] === true,
      ...(flags['commit-message'] === undefined ? {} : { message: flags['commit-message'] }),
      ...(flags['author-name'] === undefined ? {} : { authorName: flags['author-name'] }),
      ...(flags['author-email'] === undefined ? {} : { authorEmail: flags['author-email'] }),
      fields: FIELDS,
      onStep: (line: string) => this.note(line),
    };
    if (transport === 'ssh' && flags['ca-file'])
      throw new core.ValidationError('--ca-file', 'HTTPS only', '--ca-file: only for an https:// URL');
    if (transport === 'https' && flags['private-key-file']) {
      throw new core.ValidationError(
        '--private-key-file',
        'SSH only',
        '--private-key-file: only for an ssh:// URL; HTTPS uses --username/--password',
      );
    }
    // Everything is checked before the cluster is touched.
    bootstrap.checkGitBootstrapInput({ ...input, mode: 'export' });

    if (flags.export) {
      const done = await bootstrap.bootstrapGit({ ...input, mode: 'export' });
      const yaml = exportYaml(done.manifest, done.files);
      if (!this.jsonEnabled()) process.stdout.write(yaml);
      return {
        ...this.report(done, flags),
        export: yaml,
        files: done.files.map((f) => ({ path: f.path, outcome: 'printed', written: null })),
      };
    }
    const { store } = await secretTarget(flags, flags.namespace, flags['secret-name'], { createNamespace: createsNamespace(flags) });
    const outputDir = flags['output-dir'];
    // Ctrl-C or SIGTERM stops git and removes its temp folder (the decrypted key) before exit 130.
    const done = await withInterrupt((signal) =>
      bootstrap.bootstrapGit({ ...input, store, signal, ...(outputDir ? { mode: 'write-files', outputDir } : { mode: 'push' }) }),
    );
    const result = this.report(done, flags);
    if (done.push) {
      this.note(
        done.push.commit
          ? `Committed ${done.push.commit.id.slice(0, 12)} and pushed to ${flags.branch}.`
          : done.push.pushed
            ? `Created branch ${flags.branch}.`
            : 'Sync manifests already up to date: nothing committed or pushed.',
      );
    } else if (!outputDir) {
      for (const file of done.files) this.say(`# ${file.path}\n${file.content}`);
      result.files = done.files.map((f) => ({ path: f.path, outcome: 'printed', written: null }));
    }
    this.note(`Secret ${flags.namespace}/${flags['secret-name']} written.`);
    if (done.key && done.key.source !== 'given') {
      this.note(
        `Register this public key as a deploy key on the repository (read-only is enough for Flux)${done.key.source === 'kept' ? ' if you have not yet' : ''}:\n${done.key.publicKey}\nfingerprint ${done.key.fingerprintSha256}`,
      );
    }
    if (!done.push) this.note(outputDir ? `Commit and push the files under ${outputDir}.` : 'Commit the files above to the repository.');
    return result;
  }

  /** Flags the chosen transport, key source or output would ignore. */
  private refuseNoEffect(
    transport: 'ssh' | 'https',
    flags: { 'private-key-file'?: string | undefined; 'ssh-key-algorithm': string; export?: boolean; 'output-dir'?: string | undefined },
  ): void {
    const keyFlags = ['ssh-key-algorithm', 'ssh-ecdsa-curve', 'ssh-rsa-bits'];
    if (transport === 'https') {
      this.refuseGiven(keyFlags, 'with an https:// URL (no SSH key)');
    } else {
      this.refuseGiven(['username', 'allow-insecure-http'], 'with an ssh:// URL (HTTPS only)');
      if (flags['private-key-file']) this.refuseGiven(keyFlags, 'with --private-key-file (your key is stored as it is)');
      else {
        this.refuseUnusedKeyFlags(flags['ssh-key-algorithm']);
        this.refuseGiven(['password'], 'with an ssh:// URL and no --private-key-file (it is the passphrase of that key)');
      }
    }
    if (flags.export || flags['output-dir']) {
      this.refuseGiven(
        ['author-name', 'author-email', 'commit-message'],
        `with --${flags.export ? 'export' : 'output-dir'} (glkeys makes no commit)`,
      );
    }
    if (flags.export) this.refuseGiven(['kubeconfig', 'context', 'create-namespace'], 'with --export (no cluster is used)');
  }

  private report(done: GitBootstrapResult, flags: { url: string; namespace: string; 'secret-name': string }): BootstrapGitResult {
    return {
      url: flags.url,
      transport: done.remote.transport,
      secret: { namespace: flags.namespace, name: flags['secret-name'], written: done.secretWritten },
      ...(done.key ? { publicKey: done.key.publicKey, fingerprintSha256: done.key.fingerprintSha256, keySource: done.key.source } : {}),
      commit: done.push?.commit ? { id: done.push.commit.id } : null,
      pushed: done.push?.pushed ?? false,
      files: done.push ? done.push.files.map((f) => ({ path: f.path, outcome: f.outcome, written: null })) : done.written,
    };
  }
}

/** Core's input names, as this command's flags, in error messages. */
const FIELDS = {
  url: '--url',
  branch: '--branch',
  path: '--path',
  namespace: '--namespace',
  secretName: '--secret-name',
  interval: '--interval',
  privateKey: '--private-key-file',
  passphrase: '--password',
  password: '--password',
  caCert: '--ca-file',
  authorName: '--author-name',
  authorEmail: '--author-email',
  message: '--commit-message',
};
