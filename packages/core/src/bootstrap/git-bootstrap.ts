/**
 * `flux bootstrap git` for any Git server, as one flow: check every input, settle the SSH key
 * (given, kept from the existing Secret, or generated), scan known_hosts, make sure the Secret
 * can be written, push the sync manifests, then write the Secret. The push comes before the
 * Secret so a refused credential changes neither the repository nor the cluster; the dry-run
 * write comes before the push so a cluster that refuses the Secret does not leave a pushed
 * repository behind.
 */
import { ValidationError } from '../errors.js';
import {
  ANNOTATION_CREDENTIAL_ID,
  ANNOTATION_EXPIRES_AT,
  renderKeySecret,
  renderTokenSecret,
  type RenderedSecret,
} from '../render/formats.js';
import { secretManifest, type SecretManifest } from '../render/secret-manifest.js';
import { generateKeyPair } from '../ssh/generate.js';
import { parsePrivateKey } from '../ssh/private-key.js';
import { scanKnownHosts } from '../ssh/known-hosts.js';
import type { GenerateKeyPairOptions } from '../ssh/types.js';
import { parseGoDuration } from '../flux/duration.js';
import { DEFAULT_AUTHOR, checkCommitAuthor, pushFiles, type PushFilesResult } from '../git/push.js';
import { GitCommandError } from '../git/exec.js';
import { parseGitRemoteUrl, type GitAuth, type GitRemote } from '../git/remote.js';
import { writeSyncFiles, type WrittenFile } from '../git/checkout-files.js';
import { checkSyncPath } from '../flux/naming.js';
import { checkBranch } from '../git/branch.js';
import { checkNamespace, checkSecretName } from '../kubernetes/names.js';
import type { SecretStore } from '../lifecycle/secret-store.js';
import { STATE_ANNOTATION } from '../lifecycle/state.js';
import { syncFiles, type SyncFile } from '../flux/sync-manifests.js';

export type GitBootstrapCredential =
  /** Without `privateKey`: the key already in the Secret is kept, else one is generated. */
  | { kind: 'ssh'; privateKey?: string; passphrase?: string; generate?: GenerateKeyPairOptions }
  | { kind: 'https'; username: string; password: string; caCert?: string };

/** Names of the inputs in error messages (a CLI passes its flag names). */
export type GitBootstrapFields = Partial<
  Record<
    | 'url'
    | 'branch'
    | 'path'
    | 'namespace'
    | 'secretName'
    | 'interval'
    | 'privateKey'
    | 'passphrase'
    | 'password'
    | 'caCert'
    | 'authorName'
    | 'authorEmail'
    | 'message',
    string
  >
>;

export interface GitBootstrapInput {
  url: string;
  branch: string;
  path: string;
  namespace: string;
  secretName: string;
  interval: string;
  credential: GitBootstrapCredential;
  message?: string;
  authorName?: string;
  authorEmail?: string;
  /** Allow http:// to a host other than this machine (the password then travels in clear). */
  allowInsecureHttp?: boolean;
  /**
   * `push` (default): push, then write the Secret. `write-files`: write the Secret and the sync
   * files under `outputDir` for the user to commit. `export`: neither (nothing leaves memory).
   */
  mode?: 'push' | 'write-files' | 'export';
  outputDir?: string;
  /** The Secret; not read or written in `export` mode. */
  store?: SecretStore;
  fields?: GitBootstrapFields;
  /** known_hosts for host:port; default: core's scan with a 15 s deadline. */
  scanKnownHosts?: (host: string, port: number) => Promise<string>;
  /** Progress lines for people (never a secret). */
  onStep?: (line: string) => void;
  /**
   * Stops the work between steps and during the push (see pushFiles); it then rejects with a
   * GitCommandError of reason `aborted` saying what was pushed and that the Secret was not written.
   * A Secret write already under way is finished.
   */
  signal?: AbortSignal;
}

export interface GitBootstrapResult {
  remote: GitRemote;
  manifest: SecretManifest;
  files: SyncFile[];
  /** SSH: how the key came about, and its public half to register as a deploy key. */
  key?: { source: 'given' | 'kept' | 'generated'; publicKey: string; fingerprintSha256: string };
  /** True when the key can push: given with the command (a kept or generated key may not be registered). */
  pushable: boolean;
  push: PushFilesResult | null;
  written: WrittenFile[];
  secretWritten: boolean;
}

/** Every check of the input, before any scan, cluster call or git call. */
export function checkGitBootstrapInput(input: GitBootstrapInput): GitRemote {
  const f = fieldNames(input.fields);
  const remote = parseGitRemoteUrl(input.url, f.url, { allowInsecureHttp: input.allowInsecureHttp === true });
  checkBranch(input.branch, f.branch);
  checkSyncPath(input.path, f.path);
  checkNamespace(input.namespace, f.namespace);
  checkSecretName(input.secretName, f.secretName);
  parseGoDuration(input.interval, f.interval);
  checkCommitAuthor(
    { name: input.authorName ?? DEFAULT_AUTHOR.name, email: input.authorEmail ?? DEFAULT_AUTHOR.email },
    f.authorName,
    f.authorEmail,
  );
  if (input.message !== undefined && input.message.trim() === '')
    throw new ValidationError(f.message, 'not empty', `${f.message}: must not be empty`);
  const cred = input.credential;
  if (cred.kind !== remote.transport) {
    const wrong = cred.kind === 'ssh' ? f.privateKey : f.password;
    throw new ValidationError(
      wrong,
      `${cred.kind === 'ssh' ? 'SSH' : 'HTTPS'} only`,
      `${wrong}: only for an ${cred.kind === 'ssh' ? 'ssh://' : 'https://'} URL`,
    );
  }
  if (cred.kind === 'https' && !cred.password) {
    throw new ValidationError(f.password, 'required for HTTPS', `${f.password}: a password (or token) is required with an https:// URL`);
  }
  const mode = input.mode ?? 'push';
  if (mode === 'write-files' && !input.outputDir)
    throw new ValidationError('outputDir', 'required', 'outputDir: required with mode write-files');
  if (mode !== 'export' && !input.store) throw new ValidationError('store', 'required', 'store: required unless mode is export');
  return remote;
}

export async function bootstrapGit(input: GitBootstrapInput): Promise<GitBootstrapResult> {
  const remote = checkGitBootstrapInput(input);
  const f = fieldNames(input.fields);
  const mode = input.mode ?? 'push';
  const cred = input.credential;
  const stopIfAborted = (done: string) => {
    if (input.signal?.aborted) throw new GitCommandError('push', 'aborted', `bootstrap git stopped (aborted): ${done}`);
  };
  const untouched = `nothing was pushed and the Secret ${input.namespace}/${input.secretName} was not written`;
  stopIfAborted(untouched);
  const existing = mode === 'export' ? undefined : await input.store!.read();
  if (existing?.annotations[STATE_ANNOTATION] !== undefined) {
    // Replacing it would drop the state and leave its GitLab credential live and unrecorded.
    throw new ValidationError(
      f.secretName,
      'not a glkeys-managed Secret',
      `${f.secretName}: Secret ${input.namespace}/${input.secretName} holds a credential glkeys manages (its state would be lost); revoke that credential first or choose another Secret`,
    );
  }

  let rendered: RenderedSecret;
  let key: GitBootstrapResult['key'];
  let auth: GitAuth;
  if (cred.kind === 'ssh') {
    const settled = await settleKey(cred, existing?.data['identity'], f);
    const scan = input.scanKnownHosts ?? ((host: string, port: number) => scanKnownHosts(host, port));
    input.onStep?.(`Scanning the SSH host keys of ${remote.host}:${remote.port}…`);
    const knownHosts = await scan(remote.host, remote.port);
    stopIfAborted(untouched);
    rendered = renderKeySecret(
      {
        id: 0,
        privateKey: settled.privateKey,
        publicKey: settled.publicKey,
        fingerprintSha256: settled.fingerprintSha256,
        expiresAt: null,
      },
      knownHosts,
    );
    key = { source: settled.source, publicKey: settled.publicKey, fingerprintSha256: settled.fingerprintSha256 };
    auth = { kind: 'ssh', privateKey: settled.privateKey, knownHosts };
  } else {
    rendered = renderTokenSecret(
      'flux-https',
      { id: 0, username: cred.username, token: cred.password, expiresAt: null },
      cred.caCert ? { caCert: cred.caCert } : {},
    );
    auth = { kind: 'https', username: cred.username, password: cred.password, ...(cred.caCert ? { caCert: cred.caCert } : {}) };
  }
  // No GitLab credential stands behind this Secret, so it carries no credential ID or expiry.
  delete rendered.annotations[ANNOTATION_CREDENTIAL_ID];
  delete rendered.annotations[ANNOTATION_EXPIRES_AT];
  const manifest = secretManifest({ name: input.secretName, namespace: input.namespace, rendered });
  const files = syncFiles({
    name: input.namespace,
    namespace: input.namespace,
    url: input.url,
    branch: input.branch,
    secretName: input.secretName,
    path: checkSyncPath(input.path, f.path),
    interval: input.interval,
  });
  // A generated key is registered nowhere yet; a kept one may be (Flux pulls with it), but it
  // was made to be read-only, so only a key given with the command is used to push.
  const pushable = cred.kind === 'https' || key?.source === 'given';
  const result: GitBootstrapResult = {
    remote,
    manifest,
    files,
    ...(key ? { key } : {}),
    pushable,
    push: null,
    written: [],
    secretWritten: false,
  };
  if (mode === 'export') return result;

  const store = input.store!;
  if (mode === 'push' && pushable) {
    await store.check?.(manifest, { resourceVersion: existing?.resourceVersion });
    stopIfAborted(untouched);
    input.onStep?.(`Pushing the sync manifests to ${input.url} (${input.branch})…`);
    result.push = await pushFiles({
      url: input.url,
      branch: input.branch,
      files,
      auth,
      allowInsecureHttp: input.allowInsecureHttp === true,
      ...(input.message === undefined ? {} : { message: input.message }),
      ...(input.authorName === undefined ? {} : { authorName: input.authorName }),
      ...(input.authorEmail === undefined ? {} : { authorEmail: input.authorEmail }),
      ...(input.signal ? { signal: input.signal } : {}),
    }).catch((error: unknown) => {
      if (!(error instanceof GitCommandError && error.reason === 'aborted')) throw error;
      throw new GitCommandError(
        error.operation,
        'aborted',
        `${error.message} The Secret ${input.namespace}/${input.secretName} was not written.`,
      );
    });
  }
  // Stopped after a finished push: the cluster is left alone, and the message says what landed.
  stopIfAborted(
    `${pushedLine(result.push, input.branch)}; the Secret ${input.namespace}/${input.secretName} was not written (a re-run writes it, with no new commit)`,
  );
  // Guarded by the read above: a Secret changed meanwhile is a ConflictError, not overwritten.
  await store.write(manifest, { resourceVersion: existing?.resourceVersion }, input.signal ? { signal: input.signal } : {});
  result.secretWritten = true;
  if (mode === 'write-files') result.written = await writeSyncFiles(input.outputDir!, files);
  return result;
}

function pushedLine(push: PushFilesResult | null, branch: string): string {
  if (!push) return 'nothing was pushed';
  if (push.commit) return `commit ${push.commit.id.slice(0, 12)} was pushed to ${branch}`;
  return push.pushed ? `branch ${branch} was created` : `${branch} already held the files (nothing pushed)`;
}

const DEFAULT_FIELDS = {
  url: 'url',
  branch: 'branch',
  path: 'path',
  namespace: 'namespace',
  secretName: 'secretName',
  interval: 'interval',
  privateKey: 'privateKey',
  passphrase: 'passphrase',
  password: 'password',
  caCert: 'caCert',
  authorName: 'authorName',
  authorEmail: 'authorEmail',
  message: 'message',
};

function fieldNames(fields: GitBootstrapFields | undefined): typeof DEFAULT_FIELDS {
  return { ...DEFAULT_FIELDS, ...fields };
}

async function settleKey(
  cred: Extract<GitBootstrapCredential, { kind: 'ssh' }>,
  storedIdentity: string | undefined,
  f: typeof DEFAULT_FIELDS,
): Promise<{ source: 'given' | 'kept' | 'generated'; privateKey: string; publicKey: string; fingerprintSha256: string }> {
  if (cred.privateKey !== undefined) {
    const parsed = await renamed(parsePrivateKey(cred.privateKey, cred.passphrase), { privateKey: f.privateKey, passphrase: f.passphrase });
    return {
      source: 'given',
      privateKey: parsed.privateKeyOpenSsh,
      publicKey: parsed.publicKey,
      fingerprintSha256: parsed.fingerprintSha256,
    };
  }
  // A re-run keeps the key the user registered after the first run, instead of replacing it.
  if (storedIdentity !== undefined) {
    const text = Buffer.from(storedIdentity, 'base64').toString('utf8');
    const kept = await parsePrivateKey(text).catch(() => undefined);
    // The stored text as it is: re-encoding would change its random check bytes, and the Secret with it.
    if (kept) return { source: 'kept', privateKey: text, publicKey: kept.publicKey, fingerprintSha256: kept.fingerprintSha256 };
  }
  const pair = await generateKeyPair({ comment: 'flux', ...cred.generate });
  return { source: 'generated', privateKey: pair.privateKey, publicKey: pair.publicKey, fingerprintSha256: pair.fingerprintSha256 };
}

/** Re-labels core's field names (privateKey, passphrase) with the caller's. */
async function renamed<T>(call: Promise<T>, names: Record<string, string>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ValidationError && names[error.field] !== undefined && names[error.field] !== error.field) {
      const to = names[error.field]!;
      throw new ValidationError(to, error.rule, error.message.replace(new RegExp(`^${error.field}\\b`), to));
    }
    throw error;
  }
}
