/**
 * `bootstrap gitlab` as one flow: preflight -> project -> credential through the lifecycle
 * protocol -> Secret (value + state in one write) -> sync manifests committed via the API.
 * A re-run with a live credential costs one verifying GET and no GitLab write; Flux instead
 * re-creates its deploy token on every run.
 */
import { LifecycleError, ValidationError } from '../errors.js';
import type { GitlabClient } from '../gitlab/client.js';
import { CredentialLifecycle, type LifecycleResult } from '../lifecycle/protocol.js';
import { deployKeyDriver, type DeployKeyValue } from '../lifecycle/deploy-key-driver.js';
import { deployTokenDriver, type DeployTokenValue } from '../lifecycle/deploy-token-driver.js';
import { STATE_ANNOTATION, stateFromAnnotations, type CredentialKind } from '../lifecycle/state.js';
import { ownerKeyOf } from '../lifecycle/owner-marker.js';
import { renderKeySecret, renderTokenSecret, type RenderedSecret } from '../render/formats.js';
import { MANAGED_BY_LABEL, secretManifest, type SecretManifest } from '../render/secret-manifest.js';
import type { EcdsaCurve, SshKeyAlgorithm } from '../ssh/types.js';
import { commitFiles, type CommitFilesResult } from './commit-files.js';
import { bootstrapCredentialName, bootstrapOwner } from './naming.js';
import { PreflightError, preflight, type PreflightResult } from './preflight.js';
import { ensureProject, type ProjectInfo, type Visibility } from './project.js';
import type { SecretStore } from './store.js';
import { gitRepositoryUrl, syncFiles, type SyncFile } from './sync-manifests.js';

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

export async function bootstrapGitlab(input: BootstrapGitlabInput): Promise<BootstrapGitlabResult> {
  const step = (id: BootstrapStep['id'], status: BootstrapStep['status'], detail?: string) =>
    input.onStep?.({ id, status, ...(detail === undefined ? {} : { detail }) });
  const warnings: string[] = [];
  const projectPath = `${input.owner}/${input.repository}`;

  step('preflight', 'start');
  const check = await preflight(input.client, { projectPath, owner: input.owner });
  if (!check.ok) throw new PreflightError(check);
  step('preflight', 'done', `token "${check.token.name}" [${check.token.scopes.join(', ')}], ${check.role.actual} on ${check.role.where}`);

  step('project', 'start');
  const { project, created } = await ensureProject(
    input.client,
    { owner: input.owner, repository: input.repository, personal: input.personal, visibility: input.visibility },
    check.project,
  );
  step('project', 'done', `${created ? 'created' : 'found'} ${project.pathWithNamespace}`);

  const { host } = new URL(input.client.host);
  const url =
    input.auth.kind === 'ssh'
      ? gitRepositoryUrl({ transport: 'ssh', host: input.auth.sshHost.host, port: input.auth.sshHost.port, projectPath: project.pathWithNamespace })
      : gitRepositoryUrl({ transport: 'https', host, projectPath: project.pathWithNamespace, httpUrl: project.httpUrl });

  const stored = await input.store.read();
  let credential: BootstrapGitlabResult['credential'];
  let written = false;
  const write = async (manifest: SecretManifest) => {
    await input.store.write(manifest);
    written = true;
    last = manifest;
  };
  let last: SecretManifest | undefined;

  if (input.auth.kind === 'token-auth') {
    step('credential', 'start');
    const rendered = renderTokenSecret('flux-https', { id: 0, username: 'git', token: input.auth.token, expiresAt: check.token.expiresAt }, caOption(input.caCert));
    delete rendered.annotations['glkeys.io/credential-id'];
    const manifest = secretManifest({ name: input.secretName, namespace: input.namespace, rendered });
    const same = stored !== undefined && sameData(stored.data, manifest.data) && stored.type === manifest.type;
    step('credential', 'done', 'the token itself (username git)');
    step('secret', 'start');
    if (!same || input.rotate) await write(manifest);
    else last = manifest;
    step('secret', 'done', same ? 'unchanged' : 'written');
    credential = { kind: 'personal-access-token', action: same ? 'unchanged' : 'stored', id: check.token.id, name: check.token.name, revoked: [] };
  } else {
    const kind: CredentialKind = input.auth.kind === 'ssh' ? 'deploy-key' : 'deploy-token';
    const owner = bootstrapOwner({ clusterId: input.clusterId, namespace: input.namespace, secretName: input.secretName, projectPath: project.pathWithNamespace });
    let state: unknown;
    try {
      state = stateFromAnnotations(stored?.annotations, kind, ownerKeyOf(owner));
    } catch (error) {
      if (!(error instanceof LifecycleError)) throw error;
      // Another project, cluster or credential kind wrote this Secret: start over and say so.
      warnings.push(`The Secret held state glkeys cannot use here (${error.message}); a new credential was created. Revoke the old one if it is no longer used.`);
    }
    let knownHosts: string | undefined;
    if (input.auth.kind === 'ssh') {
      step('known-hosts', 'start');
      knownHosts = await input.auth.knownHosts();
      step('known-hosts', 'done', `${input.auth.sshHost.host}:${input.auth.sshHost.port}`);
    }
    const render = (value: DeployKeyValue | DeployTokenValue): RenderedSecret =>
      'privateKey' in value ? renderKeySecret(value, knownHosts!) : renderTokenSecret('flux-https', value, caOption(input.caCert));
    let base: SecretManifest | undefined = stored && storedManifest(input, stored);
    const persist = async ({ state: next, value }: { state: import('../lifecycle/state.js').LifecycleState; value?: DeployKeyValue | DeployTokenValue }) => {
      const manifest = value
        ? secretManifest({ name: input.secretName, namespace: input.namespace, rendered: render(value), state: next })
        : withState(base ?? emptyManifest(input), next);
      await write(manifest);
      base = manifest;
    };
    const name = bootstrapCredentialName({ namespace: input.namespace, branch: input.branch, secretName: input.secretName, path: input.path });
    const target = { kind: 'id' as const, id: project.id };
    const lifecycle =
      input.auth.kind === 'ssh'
        ? new CredentialLifecycle<DeployKeyValue>({
            driver: deployKeyDriver(input.client, target, {
              algorithm: input.auth.algorithm,
              ...(input.auth.curve ? { curve: input.auth.curve } : {}),
              ...(input.auth.rsaBits ? { rsaBits: input.auth.rsaBits } : {}),
              canPush: input.auth.readWrite,
            }),
            owner,
            name,
            persist,
          })
        : new CredentialLifecycle<DeployTokenValue>({
            driver: deployTokenDriver(input.client, { kind: 'project', ref: target }, { scopes: ['read_repository'] }),
            owner,
            name,
            persist,
          });
    step('credential', 'start');
    const result = input.rotate ? await lifecycle.rotate(state) : await lifecycle.ensure(state, { verify: true });
    warnings.push(...result.warnings);
    step('credential', 'done', `${result.action} ${kind} ${result.state.current?.id ?? ''}`.trim());
    step('secret', 'start');
    step('secret', 'done', written ? `${input.namespace}/${input.secretName} written` : 'unchanged');
    if (!last && stored) last = storedManifest(input, stored);
    credential = {
      kind,
      action: result.action,
      id: result.state.current?.id ?? null,
      name: result.state.current?.name ?? null,
      revoked: result.revoked,
      ...(last?.metadata.annotations['glkeys.io/fingerprint-sha256'] ? { fingerprintSha256: last.metadata.annotations['glkeys.io/fingerprint-sha256'] } : {}),
    };
  }

  const files = syncFiles({
    name: input.namespace,
    namespace: input.namespace,
    url,
    branch: input.branch,
    secretName: input.secretName,
    path: input.path,
    interval: input.interval,
  });
  let commit: CommitFilesResult | null = null;
  if (input.commit) {
    step('commit', 'start');
    commit = await commitFiles(input.client, project, { branch: input.branch, message: `Add Flux sync manifests for ${input.path || 'the repository root'}`, files });
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

function caOption(caCert: string | undefined): { caCert?: string } {
  return caCert ? { caCert } : {};
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function storedManifest(input: { secretName: string; namespace: string }, stored: import('./store.js').StoredSecret): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: input.secretName, namespace: input.namespace, labels: { ...stored.labels, ...MANAGED_BY_LABEL }, annotations: { ...stored.annotations } },
    type: stored.type,
    data: { ...stored.data },
  };
}

function emptyManifest(input: { secretName: string; namespace: string }): SecretManifest {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: input.secretName, namespace: input.namespace, labels: { ...MANAGED_BY_LABEL }, annotations: {} }, type: 'Opaque', data: {} };
}

function withState(manifest: SecretManifest, state: import('../lifecycle/state.js').LifecycleState): SecretManifest {
  return { ...manifest, metadata: { ...manifest.metadata, annotations: { ...manifest.metadata.annotations, [STATE_ANNOTATION]: JSON.stringify(state) } } };
}

/** Refuses combinations Flux also refuses, before any call. */
export function checkBootstrapAuthFlags(flags: { tokenAuth: boolean; deployTokenAuth: boolean; readWriteKey: boolean }): void {
  if (flags.tokenAuth && flags.deployTokenAuth) {
    throw new ValidationError('token-auth', 'one auth mode', '--token-auth and --deploy-token-auth exclude each other; pick one (or neither for SSH)');
  }
  if (flags.readWriteKey && (flags.tokenAuth || flags.deployTokenAuth)) {
    throw new ValidationError('read-write-key', 'SSH only', '--read-write-key applies to SSH deploy keys; drop it or drop --token-auth/--deploy-token-auth');
  }
}
