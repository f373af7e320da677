import { posix } from 'node:path';
import { invalid } from '../model/errors.js';
import { parseImage } from '../model/image.js';
import type { Environment, Job, Pipeline, VariableValue } from '../model/pipeline.js';
import {
  WORKFLOW,
  checkDeployOn,
  checkEnvironment,
  checkNonEmpty,
  checkPinned,
  deployRules,
  resourceGroup,
  shellWord,
  type DeployOn,
} from './common.js';
import type { NeededVariable, Needs } from './needs.js';
import type { PresetResult } from './result.js';

export interface KestraNamespace {
  /** Kestra namespace, e.g. `company.team`. */
  namespace: string;
  /** Directory of that namespace's flows; default `<flowsDir>/<namespace>`. */
  dir?: string;
}

export interface KestraPresetOptions {
  /** Kestra server version the pipeline targets, pinned (`1.0.4`, `v1.3`, `2.0.2`). Its major picks the CLI. */
  kestraVersion: string;
  /** Kestra server URL, written as KESTRA_HOST (not a secret). */
  host: string;
  /** One deploy job per namespace. */
  namespaces: (string | KestraNamespace)[];
  /** Directory validated as a whole; default `./kestra/flows`. */
  flowsDir?: string;
  /** `api-token` (Enterprise) or `basic` (user:password, Open Source); default `api-token`. */
  auth?: 'api-token' | 'basic';
  /** Validate on the client (`--local`): no server call and no credentials in MR pipelines. 1.x only. */
  local?: boolean;
  /** Tenant id (multi-tenant Enterprise). */
  tenant?: string;
  /** Override the image; default `kestra/kestra:v<version>` (1.x) or `kestra/kestractl:<version>` (2.x). */
  image?: string;
  /** Path of the CLI inside the image; default `/app/kestra` (1.x) or `kestractl` (2.x). */
  kestraCli?: string;
  /** Deployment environment; default name `kestra-production`, url = host. */
  environment?: Partial<Environment>;
  /** Where deploys run: `default-branch` (default) or `protected` refs. */
  deployOn?: DeployOn;
  /** Runner tags, e.g. a self-hosted runner that can reach a private Kestra server. */
  runnerTags?: string[];
  /** Accept an unpinned or `latest` version/image (then the 2.x commands are used). */
  force?: boolean;
}

// Kestra's own patterns (Flow.namespace and tenantId in kestra-io/kestra).
const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/;
const TENANT = /^[a-z0-9][a-z0-9_-]*$/;
const VERSION = /^v?(\d+)\.\d+(\.\d+)?$/;
const CLI = /^[A-Za-z0-9_./-]+$/;
/** kestractl's image for Kestra 2.x: released with the server, under the same version tags. */
export const KESTRACTL_REPOSITORY = 'kestra/kestractl';

interface Credentials {
  /** Shell words appended to a 1.x command line. */
  flags: string[];
  /** kestractl reads its credentials from KESTRACTL_* variables (2.x). */
  env: Record<string, VariableValue>;
  needs: NeededVariable[];
}

function credentials(
  auth: 'api-token' | 'basic',
  prefix: 'KESTRA' | 'KESTRA_VALIDATE',
  isProtected: boolean,
  purpose: string,
): Credentials {
  const valueFrom = 'Kestra: Administration > IAM (a service account for CI)';
  if (auth === 'api-token') {
    const key = `${prefix}_API_TOKEN`;
    return {
      flags: [`--api-token $${key}`],
      env: { KESTRACTL_TOKEN: `$${key}` },
      needs: [{ key, masked: true, protected: isProtected, description: `Kestra API token to ${purpose}`, valueFrom }],
    };
  }
  const user = `${prefix}_USER`;
  const password = `${prefix}_PASSWORD`;
  return {
    flags: [`--user=$${user}:$${password}`],
    env: { KESTRACTL_USERNAME: `$${user}`, KESTRACTL_PASSWORD: `$${password}` },
    needs: [
      { key: user, masked: false, protected: isProtected, description: `Kestra user to ${purpose}`, valueFrom },
      { key: password, masked: true, protected: isProtected, description: `Password of ${user}`, valueFrom },
    ],
  };
}

function normalizeNamespaces(options: KestraPresetOptions, flowsDir: string): Required<KestraNamespace>[] {
  if (!Array.isArray(options.namespaces) || options.namespaces.length === 0) {
    throw invalid('namespaces', 'at least one namespace is required (one deploy job per namespace)');
  }
  const seen = new Set<string>();
  return options.namespaces.map((entry, i) => {
    const ns = typeof entry === 'string' ? { namespace: entry } : entry;
    const field = `namespaces[${i}]`;
    if (!ns.namespace || ns.namespace.trim() === '') throw invalid(field, 'namespace must not be empty');
    if (!NAMESPACE.test(ns.namespace) || ns.namespace.length > 150) {
      throw invalid(field, 'namespace must match ^[a-z0-9][a-z0-9._-]*$ (at most 150 characters), as Kestra requires');
    }
    if (seen.has(ns.namespace)) throw invalid(field, `namespace "${ns.namespace}" is listed twice`);
    seen.add(ns.namespace);
    const dir = ns.dir ?? `${flowsDir.replace(/\/+$/, '')}/${ns.namespace}`;
    checkRepositoryPath(`${field}.dir`, dir);
    return { namespace: ns.namespace, dir };
  });
}

/** The pipeline runs in the repository's checkout: a flows folder must be a relative path inside it. */
function checkRepositoryPath(field: string, path: string): string {
  if (path.trim() === '' || /\s/.test(path)) throw invalid(field, 'must be a path without spaces');
  const normal = posix.normalize(path);
  if (posix.isAbsolute(path) || normal === '..' || normal.startsWith('../')) {
    throw invalid(field, `"${path}" is outside the repository; give a path relative to the repository root (e.g. ./kestra/flows)`);
  }
  return normal.replace(/\/+$/, '');
}

/** Whether `dir` is `root` or inside it (both checked by checkRepositoryPath). */
function isInside(dir: string, root: string): boolean {
  const [d, r] = [posix.normalize(dir).replace(/\/+$/, ''), posix.normalize(root).replace(/\/+$/, '')];
  return r === '.' || d === r || d.startsWith(`${r}/`);
}

/** Major version (1 or 2) from a pinned version; undefined when unpinned. */
function majorOf(version: string): number | undefined {
  const m = VERSION.exec(version);
  return m ? Number(m[1]) : undefined;
}

/**
 * Kestra validate + deploy, as Kestra's GitLab CI page shows it, made safe: pinned image, one
 * serialized deploy job per namespace on the default branch only, credentials from variables.
 */
export function kestraPreset(options: KestraPresetOptions): PresetResult {
  const version = checkNonEmpty('kestraVersion', options.kestraVersion);
  let major = majorOf(version);
  if (major === undefined) {
    if (!options.force) {
      throw invalid(
        'kestraVersion',
        `"${version}" is not a pinned version (major.minor[.patch]); Kestra 2.0 removed the 1.x flow commands, so a moving version breaks the pipeline (pass force: true to accept it)`,
      );
    }
    major = 2; // `latest` has been Kestra 2.x since its release.
  }
  if (major !== 1 && major !== 2) throw invalid('kestraVersion', `Kestra ${major}.x is not supported (1.x or 2.x)`);
  const v2 = major === 2;

  const host = checkNonEmpty('host', options.host);
  if (!/^https?:\/\/[^\s'"]+$/.test(host)) throw invalid('host', 'must be an http(s) URL');
  const flowsDir = options.flowsDir ?? './kestra/flows';
  checkRepositoryPath('flowsDir', flowsDir);
  const namespaces = normalizeNamespaces(options, flowsDir);
  // Every folder that is deployed is validated first: the flows dir, and each namespace folder outside it.
  const validated = [flowsDir, ...namespaces.map((n) => n.dir).filter((dir) => !isInside(dir, flowsDir))].filter(
    (dir, i, all) => all.findIndex((other) => isInside(dir, other)) === i,
  );
  const auth = options.auth ?? 'api-token';
  if (auth !== 'api-token' && auth !== 'basic') throw invalid('auth', 'must be "api-token" or "basic"');
  if (options.local && v2) throw invalid('local', 'kestractl (Kestra 2.x) validates on the server only; --local exists in the 1.x CLI');
  if (options.tenant !== undefined && !TENANT.test(options.tenant)) {
    throw invalid('tenant', 'must match ^[a-z0-9][a-z0-9_-]*$, as Kestra requires');
  }
  // The CLI matches the server it talks to: kestractl is tagged like Kestra (2.0.2, not v2.0.2).
  const image =
    options.image ?? (v2 ? `${KESTRACTL_REPOSITORY}:${version.replace(/^v/, '')}` : `kestra/kestra:v${version.replace(/^v/, '')}`);
  checkPinned('image', image, options.force);
  if (options.image && !options.force && !v2 && parseImage(image).repository.endsWith('kestractl')) {
    throw invalid('image', 'kestractl images do not contain the 1.x /app/kestra CLI; use a kestra/kestra image');
  }
  const cli = options.kestraCli ?? (v2 ? 'kestractl' : '/app/kestra');
  if (!CLI.test(cli)) throw invalid('kestraCli', 'must be a command or path of letters, digits and _ . / -');
  const deployOn = checkDeployOn('deployOn', options.deployOn ?? 'default-branch');
  const environment = checkEnvironment('environment', {
    name: options.environment?.name ?? 'kestra-production',
    url: options.environment?.url ?? host,
    deployment_tier: options.environment?.deployment_tier ?? 'production',
  });

  const deployCreds = credentials(auth, 'KESTRA', true, 'deploy flows (protected: default-branch pipelines only)');
  // MR pipelines never see protected variables, so server-side validation gets its own
  // unprotected credential; give it a read-only account. Local validation needs none.
  const validateCreds = options.local
    ? undefined
    : credentials(auth, 'KESTRA_VALIDATE', false, 'validate flows from merge requests (unprotected: use a read-only account)');

  const variables: Record<string, VariableValue> = { KESTRA_HOST: host };
  if (v2) {
    variables.KESTRACTL_HOST = '$KESTRA_HOST';
    if (options.tenant) variables.KESTRACTL_TENANT = options.tenant;
    variables.KESTRACTL_TELEMETRY_DISABLED = 'true';
  }
  const tenantFlag = !v2 && options.tenant ? [`--tenant ${options.tenant}`] : [];
  const server = ['--server ${KESTRA_HOST}'];

  const validate: Job = {
    comment: v2
      ? 'Validates every flow against the Kestra server (kestractl flows validate).'
      : options.local
        ? 'Validates every flow inside the CLI (--local): no server call, no credentials.'
        : 'Validates every flow on the Kestra server before anything is deployed.',
    stage: 'validate',
    interruptible: true,
    script: validated.map((dir) =>
      v2
        ? `${cli} flows validate ${shellWord(dir)}`
        : [
            cli,
            'flow validate',
            shellWord(dir),
            ...(options.local ? ['--local'] : [...server, ...(validateCreds?.flags ?? []), ...tenantFlag]),
          ].join(' '),
    ),
  };
  if (v2 && validateCreds) validate.variables = validateCreds.env;
  if (options.runnerTags) validate.tags = options.runnerTags;

  const jobs: Record<string, Job> = { 'kestra-validate': validate };
  for (const { namespace, dir } of namespaces) {
    const job: Job = {
      comment: `Deploys ${dir} to namespace ${namespace}; one deploy per namespace at a time (resource_group).`,
      stage: 'deploy',
      needs: ['kestra-validate'],
      rules: deployRules(deployOn),
      environment,
      resource_group: resourceGroup('kestra', options.tenant ?? 'default', namespace),
      interruptible: false,
      script: [
        v2
          ? `${cli} flows deploy ${shellWord(dir)} --namespace ${namespace} --override`
          : [cli, 'flow namespace update', namespace, shellWord(dir), ...server, ...deployCreds.flags, ...tenantFlag].join(' '),
      ],
    };
    if (v2) job.variables = deployCreds.env;
    if (options.runnerTags) job.tags = options.runnerTags;
    jobs[`kestra-deploy-${namespace}`] = job;
  }

  const pipeline: Pipeline = {
    header: [
      `Kestra ${v2 ? '2.x (kestractl)' : '1.x (/app/kestra)'}: validate, then deploy ${namespaces.length} namespace(s).`,
      'Generated by @glkeys/ci-gen; credentials live in CI/CD variables, never in this file.',
    ].join('\n'),
    workflow: WORKFLOW,
    stages: ['validate', 'deploy'],
    default: { image: { name: image, entrypoint: [''] } },
    variables,
    jobs,
  };
  const needs: Needs = {
    variables: [...(validateCreds?.needs ?? []), ...deployCreds.needs],
    deployTokens: [],
  };
  return { pipeline, needs };
}
