/**
 * `bootstrap gitlab` as one flow: preflight -> project -> credential through the lifecycle
 * protocol -> Secret (value + state in one write) -> sync manifests committed via the API.
 * A re-run with a live credential costs one verifying GET and no GitLab write; Flux instead
 * re-creates its deploy token on every run.
 */
import { ValidationError } from '../errors.js';
import type { GitlabCallOptions } from '../gitlab/api.js';
import type { GitlabClient } from '../gitlab/client.js';
import { deployKeyToSecret, deployTokenToSecret } from '../lifecycle/credential-secrets.js';
import type { LifecycleResult } from '../lifecycle/protocol.js';
import type { DeployTokenSpec } from '../lifecycle/deploy-token-driver.js';
import { STATE_ANNOTATION, type CredentialKind } from '../lifecycle/state.js';
import { renderTokenSecret } from '../render/formats.js';
import { MANAGED_BY_LABEL, secretManifest, type SecretManifest } from '../render/secret-manifest.js';
import type { EcdsaCurve, SshKeyAlgorithm } from '../ssh/types.js';
import { commitFiles, type CommitFilesResult } from './commit-files.js';
import { bootstrapCredentialName } from '../flux/naming.js';
import { PreflightError, preflight, type PreflightResult } from './preflight.js';
import { ensureProject, type Visibility } from './project.js';
import type { SecretStore, StoredSecret } from '../lifecycle/secret-store.js';
import { gitRepositoryUrl, syncFiles, type SyncFile } from '../flux/sync-manifests.js';
import { shown } from '../shown.js';

export type BootstrapAuth =
  | {
      kind: 'ssh';
      algorithm: SshKeyAlgorithm;
      curve?: EcdsaCurve;
      rsaBits?: number;
      readWrite: boolean;
      sshHost: { host: string; port: number };
      /** Scans the SSH host; called before any credential is minted. */
      knownHosts: () => Promise<string>;
    }
  | { kind: 'deploy-token' }
  /** The PAT itself goes into the Secret with username `git`; nothing is created in GitLab. */
  | { kind: 'token-auth'; token: string };

export interface BootstrapGitlabInput {
  client: GitlabClient;
  owner: string;
  repository: string;
  personal: boolean;
  visibility: Visibility;
  branch: string;
  path: string;
  secretName: string;
  namespace: string;
  interval: string;
  auth: BootstrapAuth;
  caCert?: string;
  /** Identity of the cluster (kube-system UID), part of the lifecycle owner. */
  clusterId: string;
  store: SecretStore;
  rotate?: boolean;
  /** false for --export: manifests are returned, not committed. */
  commit: boolean;
  onStep?: (step: BootstrapStep) => void;
}

export interface BootstrapStep {
  id: 'preflight' | 'project' | 'known-hosts' | 'credential' | 'secret' | 'commit';
  status: 'start' | 'done';
  detail?: string;
}

export interface BootstrapGitlabResult {
  project: { id: number; path: string; webUrl: string; created: boolean };
  url: string;
  credential: {
    kind: 'deploy-key' | 'deploy-token' | 'personal-access-token';
    action: LifecycleResult['action'] | 'stored' | 'unchanged';
    id: number | null;
    name: string | null;
    revoked: number[];
    fingerprintSha256?: string;
  };
  secret: { namespace: string; name: string; written: boolean; manifest: SecretManifest | undefined };
  files: SyncFile[];
  commit: CommitFilesResult | null;
  preflight: Pick<PreflightResult, 'missingScopes' | 'role'> & { scopes: string[] };
  warnings: string[];
}

/**
 * `options.signal` reaches every GitLab and Kubernetes call: preflight, the project, the
 * credential (the lifecycle protocol: an abort between create and store leaves the intent
 * recorded, so the next run collects what was created) and the commit.
 */
export async function bootstrapGitlab(input: BootstrapGitlabInput, options: GitlabCallOptions = {}): Promise<BootstrapGitlabResult> {
  const step = (id: BootstrapStep['id'], status: BootstrapStep['status'], detail?: string) =>
    input.onStep?.({ id, status, ...(detail === undefined ? {} : { detail }) });
  const warnings: string[] = [];
  const projectPath = `${input.owner}/${input.repository}`;

  step('preflight', 'start');
  const check = await preflight(input.client, { projectPath, owner: input.owner, repository: input.repository }, options);
  if (!check.ok) throw new PreflightError(check);
  step(
    'preflight',
    'done',
    `token ${shown(check.token.name)} [${check.token.scopes.join(', ')}], ${check.role.actual} on ${check.role.where}`,
  );

  let knownHosts: string | undefined;
  if (input.auth.kind === 'ssh') {
    // Scanned before the first write (the project may be created next): a failed scan must
    // leave neither an empty project nor a credential behind.
    step('known-hosts', 'start');
    knownHosts = await input.auth.knownHosts();
    step('known-hosts', 'done', `${input.auth.sshHost.host}:${input.auth.sshHost.port}`);
  }

  // The cluster side too, before the first write: the Secret can be read, and a server-side
  // dry run of its write passes (RBAC, a namespace that is missing and would not be created).
  const before = await input.store.read(options);
  await input.store.check?.(probeManifest(input, before), { resourceVersion: before?.resourceVersion });
  if (input.auth.kind === 'token-auth') refuseManagedSecret(input, before);

  step('project', 'start');
  const { project, created } = await ensureProject(
    input.client,
    { owner: input.owner, repository: input.repository, personal: input.personal, visibility: input.visibility },
    // The preflight that passed has looked the project up by path and by name already.
    { project: check.project, namespace: check.namespace },
    options,
  );
  step('project', 'done', `${created ? 'created' : 'found'} ${project.pathWithNamespace}`);

  const url = repositoryUrl(input, project);

  let credential: BootstrapGitlabResult['credential'];
  let written = false;
  let last: SecretManifest | undefined;

  if (input.auth.kind === 'token-auth') {
    step('credential', 'start');
    const stored = await input.store.read(options);
    refuseManagedSecret(input, stored);
    const rendered = renderTokenSecret(
      'flux-https',
      { id: 0, username: 'git', token: input.auth.token, expiresAt: check.token.expiresAt },
      caOption(input.caCert),
    );
    delete rendered.annotations['glkeys.io/credential-id'];
    const manifest = secretManifest({ name: input.secretName, namespace: input.namespace, rendered });
    const same = stored !== undefined && sameData(stored.data, manifest.data) && stored.type === manifest.type;
    step('credential', 'done', 'the token itself (username git)');
    step('secret', 'start');
    if (!same || input.rotate) {
      await input.store.write(manifest, { resourceVersion: stored?.resourceVersion }, options);
      written = true;
    }
    last = manifest;
    step('secret', 'done', same ? 'unchanged' : 'written');
    credential = {
      kind: 'personal-access-token',
      action: same ? 'unchanged' : 'stored',
      id: check.token.id,
      name: check.token.name,
      revoked: [],
    };
  } else {
    const kind: CredentialKind = input.auth.kind === 'ssh' ? 'deploy-key' : 'deploy-token';
    const owner = { clusterId: input.clusterId, namespace: input.namespace, secretName: input.secretName };
    const common = {
      client: input.client,
      store: input.store,
      secret: { namespace: input.namespace, name: input.secretName },
      owner: bootstrapOwner(owner),
      legacyOwners: [legacyBootstrapOwner({ ...owner, projectPath: project.pathWithNamespace })],
      name: credentialNameOf(input),
      target: { kind: 'project' as const, ref: { kind: 'id' as const, id: project.id } },
      mode: input.rotate ? ('rotate' as const) : ('ensure' as const),
      // An export keeps no state, so it replaces whatever an earlier export of this owner minted.
      collectStrays: !input.commit,
      signal: options.signal,
    };
    step('credential', 'start');
    const outcome =
      input.auth.kind === 'ssh'
        ? await deployKeyToSecret({
            ...common,
            spec: keySpecOf(input.auth),
            knownHosts: knownHosts!,
          })
        : await deployTokenToSecret({
            ...common,
            spec: TOKEN_SPEC,
            format: 'flux-https',
            render: caOption(input.caCert),
          });
    const result = outcome.result;
    warnings.push(...outcome.warnings);
    written = outcome.writes > 0;
    last = outcome.manifest;
    step('credential', 'done', `${result.action} ${kind} ${result.state.current?.id ?? ''}`.trim());
    step('secret', 'start');
    step('secret', 'done', written ? `${input.namespace}/${input.secretName} written` : 'unchanged');
    const fingerprint = result.state.current?.fingerprintSha256;
    credential = {
      kind,
      action: result.action,
      id: result.state.current?.id ?? null,
      name: result.state.current?.name ?? null,
      revoked: result.revoked,
      ...(fingerprint ? { fingerprintSha256: fingerprint } : {}),
    };
  }

  const files = syncFilesOf(input, url);
  let commit: CommitFilesResult | null = null;
  if (input.commit) {
    options.signal?.throwIfAborted();
    step('commit', 'start');
    const message = `Add Flux sync manifests for ${input.path || 'the repository root'}`;
    commit = await commitFiles(input.client, project, { branch: input.branch, message, files }, options);
    step('commit', 'done', commit.commit ? `commit ${commit.commit.id.slice(0, 8)}` : 'manifests unchanged, no commit');
  }

  return {
    project: { id: project.id, path: project.pathWithNamespace, webUrl: project.webUrl, created },
    url,
    credential,
    secret: { namespace: input.namespace, name: input.secretName, written, manifest: last },
    files,
    commit,
    preflight: { scopes: check.token.scopes, missingScopes: check.missingScopes, role: check.role },
    warnings,
  };
}

/** What bootstrap's deploy token is: Flux only reads the repository. */
export const TOKEN_SPEC: DeployTokenSpec = { scopes: ['read_repository'] };

export function keySpecOf(auth: Extract<BootstrapAuth, { kind: 'ssh' }>) {
  return {
    algorithm: auth.algorithm,
    ...(auth.curve ? { curve: auth.curve } : {}),
    ...(auth.rsaBits ? { rsaBits: auth.rsaBits } : {}),
    canPush: auth.readWrite,
  };
}

export function credentialNameOf(input: Pick<BootstrapGitlabInput, 'namespace' | 'branch' | 'secretName' | 'path'>): string {
  return bootstrapCredentialName({ namespace: input.namespace, branch: input.branch, secretName: input.secretName, path: input.path });
}

/** The Git URL Flux syncs from: SSH on the scanned host, or the project's HTTPS clone URL. */
export function repositoryUrl(
  input: Pick<BootstrapGitlabInput, 'auth' | 'client'>,
  project: { pathWithNamespace: string; httpUrl: string },
): string {
  const { host } = new URL(input.client.host);
  return input.auth.kind === 'ssh'
    ? gitRepositoryUrl({
        transport: 'ssh',
        host: input.auth.sshHost.host,
        port: input.auth.sshHost.port,
        projectPath: project.pathWithNamespace,
      })
    : gitRepositoryUrl({ transport: 'https', host, projectPath: project.pathWithNamespace, httpUrl: project.httpUrl });
}

export function syncFilesOf(
  input: Pick<BootstrapGitlabInput, 'namespace' | 'branch' | 'secretName' | 'path' | 'interval'>,
  url: string,
): SyncFile[] {
  return syncFiles({
    name: input.namespace,
    namespace: input.namespace,
    url,
    branch: input.branch,
    secretName: input.secretName,
    path: input.path,
    interval: input.interval,
  });
}

/** With --token-auth: writing the PAT over a managed Secret would drop its state and leave its GitLab credential live. */
export function refuseManagedSecret(input: Pick<BootstrapGitlabInput, 'namespace' | 'secretName'>, stored: StoredSecret | undefined): void {
  if (stored?.annotations[STATE_ANNOTATION] === undefined) return;
  throw new ValidationError(
    'secretName',
    'not a glkeys-managed Secret',
    `secretName: Secret ${input.namespace}/${input.secretName} holds a credential glkeys manages; revoke it first or choose another Secret`,
  );
}

/** A Secret like the one that will be written, for the dry run: the stored one as it is, or an empty one. */
function probeManifest(input: BootstrapGitlabInput, stored: StoredSecret | undefined): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: input.secretName,
      namespace: input.namespace,
      labels: stored?.labels ?? { ...MANAGED_BY_LABEL },
      annotations: stored?.annotations ?? {},
    },
    type: stored?.type ?? 'Opaque',
    data: stored?.data ?? {},
  };
}

function caOption(caCert: string | undefined): { caCert?: string } {
  return caCert ? { caCert } : {};
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Refuses combinations Flux also refuses, before any call. */
export function checkBootstrapAuthFlags(flags: { tokenAuth: boolean; deployTokenAuth: boolean; readWriteKey: boolean }): void {
  if (flags.tokenAuth && flags.deployTokenAuth) {
    throw new ValidationError(
      'tokenAuth',
      'one auth mode',
      'tokenAuth: token authentication and deploy token authentication exclude each other; pick one (or neither for SSH)',
    );
  }
  if (flags.readWriteKey && (flags.tokenAuth || flags.deployTokenAuth)) {
    throw new ValidationError(
      'readWriteKey',
      'SSH only',
      'readWriteKey: write access applies to SSH deploy keys, not to token authentication',
    );
  }
}

/**
 * The lifecycle owner identity: cluster + Secret. Hashed into the credential's marker, so it
 * names exactly one consumer; a second cluster gets its own credential. The project is not part
 * of it: the state records the project by ID, so a rename or a changed `--repository` is a
 * target change of the same owner (the old project's credential is revoked), not a new owner.
 */
export function bootstrapOwner(input: { clusterId: string; namespace: string; secretName: string }): string {
  return `flux-bootstrap:${input.clusterId}/${input.namespace}/${input.secretName}`;
}

/** The identity glkeys 0.1 used (with the project path); its version-1 states are migrated. */
export function legacyBootstrapOwner(input: { clusterId: string; namespace: string; secretName: string; projectPath: string }): string {
  return `flux-bootstrap:${input.clusterId}/${input.namespace}/${input.secretName}@${input.projectPath}`;
}
