/**
 * `bootstrap gitlab --dry-run`: what bootstrapGitlab would do, found with reads only. GitLab is
 * read (preflight, the project, the current credential, the files to commit), the SSH host is
 * scanned and the Secret read; nothing is created, written, committed or revoked anywhere.
 */
import type { GitlabCallOptions } from '../gitlab/api.js';
import { deployKeyDriver } from '../lifecycle/deploy-key-driver.js';
import { deployTokenDriver } from '../lifecycle/deploy-token-driver.js';
import type { CredentialDriver } from '../lifecycle/driver.js';
import { ownerKeyOf, parseMarker } from '../lifecycle/owner-marker.js';
import { parseStateAnnotation } from '../lifecycle/state.js';
import { ValidationError } from '../errors.js';
import { bindingSpecHash, dataWasEdited } from '../lifecycle/secret-binding.js';
import type { StoredSecret } from '../lifecycle/secret-store.js';
import { keySecretRenderer, tokenSecretRenderer } from '../render/formats.js';
import { shown } from '../shown.js';
import { commitFiles, type FileOutcome } from './commit-files.js';
import {
  TOKEN_SPEC,
  bootstrapOwner,
  legacyBootstrapOwner,
  refuseManagedSecret,
  credentialNameOf,
  keySpecOf,
  repositoryUrl,
  syncFilesOf,
  type BootstrapGitlabInput,
} from './gitlab-bootstrap.js';
import { PreflightError, preflight, type PreflightResult } from './preflight.js';
import { checkProjectCoordinates } from './project.js';

export interface BootstrapPlanStep {
  step: 'known-hosts' | 'project' | 'credential' | 'secret' | 'commit';
  /** What would happen: `create`, `keep`, `replace`, `revoke`, `write`, `commit`, `none`. */
  action: string;
  /** The same in words, for people: "create project alice/fleet (private)". */
  description: string;
}

export interface BootstrapGitlabPlan {
  project: { path: string; id: number | null; exists: boolean };
  url: string;
  steps: BootstrapPlanStep[];
  files: { path: string; outcome: FileOutcome }[];
  preflight: Pick<PreflightResult, 'missingScopes' | 'role'> & { scopes: string[] };
}

/** Reads only; throws what bootstrapGitlab would throw before its first write (preflight, scan, --personal). */
export async function planBootstrapGitlab(
  input: Omit<BootstrapGitlabInput, 'onStep' | 'rotate'> & { rotate?: boolean },
  options: GitlabCallOptions = {},
): Promise<BootstrapGitlabPlan> {
  checkProjectCoordinates(input);
  const check = await preflight(
    input.client,
    { projectPath: `${input.owner}/${input.repository}`, owner: input.owner, repository: input.repository },
    options,
  );
  if (!check.ok) throw new PreflightError(check);
  const steps: BootstrapPlanStep[] = [];

  let knownHosts = '';
  if (input.auth.kind === 'ssh') {
    knownHosts = await input.auth.knownHosts();
    steps.push({
      step: 'known-hosts',
      action: 'scan',
      description: `scanned ${input.auth.sshHost.host}:${input.auth.sshHost.port} for known_hosts`,
    });
  }
  const stored = await input.store.read(options);

  const existing = check.project;
  if (!existing && input.personal && check.namespace?.kind !== 'user') {
    throw new ValidationError(
      'personal',
      'a user namespace',
      `personal: owner ${shown(input.owner)} is a group; a personal project needs a user as owner`,
    );
  }
  const path = existing?.pathWithNamespace ?? `${input.owner}/${input.repository}`;
  steps.push(
    existing
      ? { step: 'project', action: 'keep', description: `use project ${path} (#${existing.id})` }
      : { step: 'project', action: 'create', description: `create project ${path} (${input.visibility})` },
  );
  const url = repositoryUrl(input, existing ?? { pathWithNamespace: path, httpUrl: `${input.client.host}/${path}.git` });

  if (input.auth.kind === 'token-auth') {
    refuseManagedSecret(input, stored);
    steps.push({
      step: 'credential',
      action: 'store',
      description: 'store the GitLab token itself in the Secret (username git); nothing is created in GitLab',
    });
  } else if (!existing) {
    steps.push({ step: 'credential', action: 'create', description: `create a ${describeCredential(input)} on the new project` });
  } else {
    const target = { kind: 'project' as const, id: existing.id };
    // The hash the Secret binding records: the driver's and its renderer's (format, CA, known_hosts).
    const base: CredentialDriver<unknown> =
      input.auth.kind === 'ssh'
        ? deployKeyDriver(input.client, target, keySpecOf(input.auth))
        : deployTokenDriver(input.client, target, TOKEN_SPEC);
    const renderer =
      input.auth.kind === 'ssh'
        ? keySecretRenderer(knownHosts)
        : tokenSecretRenderer('flux-https', input.caCert ? { caCert: input.caCert } : {});
    const driver = { ...base, specHash: bindingSpecHash(base.specHash, renderer as never) };
    steps.push(...(await credentialSteps(input, driver, stored, existing.pathWithNamespace, options)));
  }
  steps.push(
    input.commit
      ? {
          step: 'secret',
          action: 'write',
          description: `write Secret ${input.namespace}/${input.secretName} unless it already holds this credential`,
        }
      : {
          step: 'secret',
          action: 'print',
          description: `print Secret ${input.namespace}/${input.secretName} and the sync manifests (--export: no cluster, no commit)`,
        },
  );

  const files = syncFilesOf(input, url);
  let outcomes: BootstrapGitlabPlan['files'];
  if (existing) {
    const message = 'dry run';
    outcomes = (await commitFiles(input.client, existing, { branch: input.branch, message, files }, { ...options, dryRun: true })).files;
  } else {
    outcomes = files.map((f) => ({ path: f.path, outcome: 'created' as const }));
  }
  const changed = outcomes.filter((f) => f.outcome === 'created' || f.outcome === 'updated');
  if (input.commit) {
    steps.push(
      changed.length === 0
        ? { step: 'commit', action: 'none', description: 'commit nothing: the sync manifests are in place' }
        : {
            step: 'commit',
            action: 'commit',
            description: `commit ${changed.map((f) => `${f.path} (${f.outcome})`).join(', ')} to ${input.branch}`,
          },
    );
  }
  return {
    project: { path, id: existing?.id ?? null, exists: existing !== undefined },
    url,
    steps,
    files: outcomes,
    preflight: { scopes: check.token.scopes, missingScopes: check.missingScopes, role: check.role },
  };
}

function describeCredential(input: Pick<BootstrapGitlabInput, 'auth'>): string {
  if (input.auth.kind !== 'ssh') return 'project deploy token (read_repository, no expiry)';
  const size =
    input.auth.algorithm === 'ecdsa'
      ? ` ${input.auth.curve ?? 'p384'}`
      : input.auth.algorithm === 'rsa'
        ? ` ${input.auth.rsaBits ?? 2048}`
        : '';
  return `${input.auth.readWrite ? 'read-write' : 'read-only'} deploy key (${input.auth.algorithm}${size})`;
}

/** What the lifecycle would do with the credential the Secret's state names, and with an earlier export's. */
async function credentialSteps(
  input: Omit<BootstrapGitlabInput, 'onStep' | 'rotate'> & { rotate?: boolean },
  driver: CredentialDriver<unknown>,
  stored: StoredSecret | undefined,
  existingPath: string,
  options: GitlabCallOptions,
): Promise<BootstrapPlanStep[]> {
  const what = describeCredential(input);
  const call = options.signal ? { signal: options.signal } : {};
  const owner = { clusterId: input.clusterId, namespace: input.namespace, secretName: input.secretName };
  const ownerKey = ownerKeyOf(bootstrapOwner(owner));
  if (!input.commit) {
    // An export keeps no state: it creates a credential and revokes the earlier exports' ones.
    const earlier = (await driver.list(driver.target, call)).filter((r) => parseMarker(r.name)?.ownerKey === ownerKey).map((r) => r.id);
    return [
      { step: 'credential', action: 'create', description: `create a ${what} named ${shown(credentialNameOf(input))}` },
      ...(earlier.length > 0
        ? [
            {
              step: 'credential' as const,
              action: 'revoke',
              description: `revoke ${earlier.join(', ')} (made by an earlier export of this Secret)`,
            },
          ]
        : []),
    ];
  }
  const state = parseStateAnnotation(stored?.annotations) as
    { ownerKey?: unknown; current?: { id?: unknown; target?: { id?: unknown }; specHash?: unknown } } | undefined;
  // glkeys 0.1 keyed the owner with the project path; the real run migrates such a state.
  const legacy = ownerKeyOf(legacyBootstrapOwner({ ...owner, projectPath: existingPath }));
  if (state !== undefined && state.ownerKey !== ownerKey && state.ownerKey !== legacy) {
    return [
      {
        step: 'credential',
        action: 'refuse',
        description: `stop: Secret ${input.namespace}/${input.secretName} holds another owner's credential state`,
      },
    ];
  }
  const current = state?.current;
  if (!current || typeof current.id !== 'number' || typeof current.target?.id !== 'number') {
    return [{ step: 'credential', action: 'create', description: `create a ${what}: the Secret holds none of this bootstrap's` }];
  }
  const id = current.id;
  if (input.rotate) return [{ step: 'credential', action: 'replace', description: `create a new ${what}, then revoke ${id} (--rotate)` }];
  if (current.target.id !== driver.target.id) {
    return [
      {
        step: 'credential',
        action: 'replace',
        description: `create a ${what} on this project, then revoke ${id} on project #${current.target.id}`,
      },
    ];
  }
  if (current.specHash !== driver.specHash) {
    return [
      {
        step: 'credential',
        action: 'replace',
        description: `create a ${what}, then revoke ${id}: the flags ask for another kind of credential`,
      },
    ];
  }
  if (stored && dataWasEdited(stored)) {
    return [{ step: 'credential', action: 'replace', description: `create a ${what}, then revoke ${id}: the Secret's data was edited` }];
  }
  const record = await driver.get(driver.target, id, call);
  return record?.alive
    ? [{ step: 'credential', action: 'keep', description: `keep ${driver.kind} ${id}: it is live` }]
    : [{ step: 'credential', action: 'replace', description: `create a ${what}: ${driver.kind} ${id} is revoked or expired in GitLab` }];
}
