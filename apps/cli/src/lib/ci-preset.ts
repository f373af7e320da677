/**
 * Preset flags shared by `ci generate` and `ci setup`, and their mapping to @glkeys/ci-gen's
 * options. Only parsing lives here: the presets validate their options and name the rule.
 */
import { Flags } from '@oclif/core';
import type { GenerateInput, GenerateResult, PresetName } from '@glkeys/ci-gen';

// Kept literal so loading a command does not import ci-gen; typed against its PresetName.
const PRESETS = ['kestra', 'flux', 'registry-pull'] as const satisfies readonly PresetName[];

const KESTRA = 'KESTRA PRESET';
const FLUX = 'FLUX PRESET';
const PULL = 'REGISTRY-PULL PRESET';
const ANY = 'PRESET (ALL)';

export const presetFlags = {
  preset: Flags.string({ summary: 'Pipeline preset.', options: [...PRESETS], required: true }),
  // kestra
  'kestra-version': Flags.string({
    summary: 'Pinned Kestra version (1.0.4, v1.3, 2.0.2); its major picks the CLI (1.x flow, 2.x kestractl).',
    helpGroup: KESTRA,
  }),
  'kestra-host': Flags.string({ summary: 'Kestra server URL (KESTRA_HOST).', helpGroup: KESTRA }),
  namespace: Flags.string({
    summary: 'Kestra namespace to deploy, one deploy job each; repeat it. NS or NS=DIR (default dir <flows-dir>/<NS>).',
    multiple: true,
    helpGroup: KESTRA,
  }),
  'flows-dir': Flags.string({ summary: 'Directory of the flows, validated as a whole (default ./kestra/flows).', helpGroup: KESTRA }),
  auth: Flags.string({
    summary: 'Kestra auth: api-token (Enterprise) or basic (user:password).',
    options: ['api-token', 'basic'],
    helpGroup: KESTRA,
  }),
  local: Flags.boolean({
    summary: 'Validate flows inside the CLI (1.x --local): no server call and no credential in MR pipelines.',
    helpGroup: KESTRA,
  }),
  tenant: Flags.string({ summary: 'Kestra tenant id.', helpGroup: KESTRA }),
  'kestra-cli': Flags.string({
    summary: 'Path of the Kestra CLI in the image (default /app/kestra, or kestractl for 2.x).',
    helpGroup: KESTRA,
  }),
  // kestra and registry-pull
  image: Flags.string({
    summary:
      'kestra: the Kestra image (default kestra/kestra:v<version>, kestra/kestractl for 2.x); registry-pull: the image to pull (required, pinned).',
    helpGroup: ANY,
  }),
  'deploy-on': Flags.string({
    summary: 'kestra, registry-pull: where deploy jobs run (default default-branch).',
    options: ['default-branch', 'protected'],
    helpGroup: ANY,
  }),
  environment: Flags.string({ summary: 'kestra, registry-pull: environment name (kestra default kestra-production).', helpGroup: ANY }),
  'environment-url': Flags.string({ summary: 'kestra, registry-pull: environment URL (kestra default: --kestra-host).', helpGroup: ANY }),
  'runner-tag': Flags.string({ summary: 'Runner tag for every job; repeat it.', multiple: true, helpGroup: ANY }),
  force: Flags.boolean({
    summary: 'Accept an unpinned or latest version/image (a moving tag changes the pipeline under you).',
    helpGroup: ANY,
  }),
  // flux
  path: Flags.string({
    summary: 'Kustomization path to build and validate; repeat it (e.g. ./clusters/production).',
    multiple: true,
    helpGroup: FLUX,
  }),
  'flux-version': Flags.string({ summary: 'Flux release of the CRD schemas (default 2.4.0).', helpGroup: FLUX }),
  'kubernetes-version': Flags.string({ summary: 'Kubernetes version of the schemas (default 1.31.0).', helpGroup: FLUX }),
  'kustomize-image': Flags.string({ summary: 'Image with kustomize and a shell.', helpGroup: FLUX }),
  'kubeconform-image': Flags.string({ summary: 'Image with kubeconform and a shell.', helpGroup: FLUX }),
  'ignore-missing-schemas': Flags.boolean({
    summary: 'Pass resources without a schema (third-party CRDs); default on, --no-ignore-missing-schemas to fail.',
    allowNo: true,
    helpGroup: FLUX,
  }),
  'skip-kind': Flags.string({ summary: 'Kind not validated; repeat it (default Secret).', multiple: true, helpGroup: FLUX }),
  // registry-pull
  'tool-image': Flags.string({ summary: 'Image with skopeo and a shell (default quay.io/skopeo/stable:v1.16.1).', helpGroup: PULL }),
};

type PresetFlagValues = {
  [K in keyof typeof presetFlags]?: string | string[] | boolean | undefined;
};

/** Flags that belong to one preset only: given with another preset they are a usage error. */
const OWNER: Record<string, readonly PresetName[]> = {
  'kestra-version': ['kestra'],
  'kestra-host': ['kestra'],
  namespace: ['kestra'],
  'flows-dir': ['kestra'],
  auth: ['kestra'],
  local: ['kestra'],
  tenant: ['kestra'],
  'kestra-cli': ['kestra'],
  image: ['kestra', 'registry-pull'],
  'deploy-on': ['kestra', 'registry-pull'],
  environment: ['kestra', 'registry-pull'],
  'environment-url': ['kestra', 'registry-pull'],
  path: ['flux'],
  'flux-version': ['flux'],
  'kubernetes-version': ['flux'],
  'kustomize-image': ['flux'],
  'kubeconform-image': ['flux'],
  'ignore-missing-schemas': ['flux'],
  'skip-kind': ['flux'],
  'tool-image': ['registry-pull'],
};

/** ci-gen option (first segment of an error's field) to the flag that set it. */
const FLAG_OF: Record<string, string> = {
  kestraVersion: '--kestra-version',
  host: '--kestra-host',
  namespaces: '--namespace',
  flowsDir: '--flows-dir',
  auth: '--auth',
  local: '--local',
  tenant: '--tenant',
  kestraCli: '--kestra-cli',
  image: '--image',
  deployOn: '--deploy-on',
  environment: '--environment',
  runnerTags: '--runner-tag',
  paths: '--path',
  fluxVersion: '--flux-version',
  kubernetesVersion: '--kubernetes-version',
  kustomizeImage: '--kustomize-image',
  kubeconformImage: '--kubeconform-image',
  skipKinds: '--skip-kind',
  toolImage: '--tool-image',
};

export class UsageError extends Error {
  readonly code = 'VALIDATION';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

function required(flags: PresetFlagValues, name: keyof typeof presetFlags, preset: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name}`, `is required with --preset ${preset}`);
  return value;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): string[] | undefined => (Array.isArray(v) && v.length > 0 ? (v as string[]) : undefined);

/** Drops undefined so exactOptionalPropertyTypes accepts the options object. */
function defined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function environmentOf(flags: PresetFlagValues): { name?: string; url?: string } | undefined {
  const name = str(flags.environment);
  const url = str(flags['environment-url']);
  return name === undefined && url === undefined ? undefined : defined({ name, url });
}

/** Maps the flags of `--preset` to ci-gen's GenerateInput; refuses flags of other presets. */
export function presetInput(flags: PresetFlagValues & { preset: string }): GenerateInput {
  const preset = flags.preset as PresetName;
  for (const [flag, owners] of Object.entries(OWNER)) {
    const value = flags[flag as keyof PresetFlagValues];
    if (value !== undefined && !owners.includes(preset)) {
      throw new UsageError(`--${flag}`, `applies to --preset ${owners.join(' or ')}, not ${preset}`);
    }
  }
  const runnerTags = list(flags['runner-tag']);
  const force = flags.force === true ? true : undefined;
  switch (preset) {
    case 'kestra': {
      const namespaces = list(flags.namespace);
      if (!namespaces) throw new UsageError('--namespace', 'is required with --preset kestra (repeat it for several namespaces)');
      const environment = environmentOf(flags);
      return {
        preset,
        options: defined({
          kestraVersion: required(flags, 'kestra-version', preset),
          host: required(flags, 'kestra-host', preset),
          namespaces: namespaces.map((entry) => {
            const at = entry.indexOf('=');
            return at === -1 ? entry : { namespace: entry.slice(0, at), dir: entry.slice(at + 1) };
          }),
          flowsDir: str(flags['flows-dir']),
          auth: str(flags.auth) as 'api-token' | 'basic' | undefined,
          local: flags.local === true ? true : undefined,
          tenant: str(flags.tenant),
          image: str(flags.image),
          kestraCli: str(flags['kestra-cli']),
          environment,
          deployOn: str(flags['deploy-on']) as 'default-branch' | 'protected' | undefined,
          runnerTags,
          force,
        }),
      };
    }
    case 'flux': {
      const paths = list(flags.path);
      if (!paths) throw new UsageError('--path', 'is required with --preset flux (repeat it for several kustomizations)');
      return {
        preset,
        options: defined({
          paths,
          fluxVersion: str(flags['flux-version']),
          kubernetesVersion: str(flags['kubernetes-version']),
          kustomizeImage: str(flags['kustomize-image']),
          kubeconformImage: str(flags['kubeconform-image']),
          ignoreMissingSchemas: typeof flags['ignore-missing-schemas'] === 'boolean' ? flags['ignore-missing-schemas'] : undefined,
          skipKinds: list(flags['skip-kind']),
          runnerTags,
          force,
        }),
      };
    }
    case 'registry-pull': {
      const environment = environmentOf(flags);
      if (environment && environment.name === undefined)
        throw new UsageError('--environment', 'is required with --environment-url for --preset registry-pull');
      return {
        preset,
        options: defined({
          image: required(flags, 'image', preset),
          toolImage: str(flags['tool-image']),
          deployOn: str(flags['deploy-on']) as 'default-branch' | 'protected' | undefined,
          environment: environment as { name: string; url?: string } | undefined,
          runnerTags,
          force,
        }),
      };
    }
    default:
      throw new UsageError('--preset', `must be one of ${PRESETS.join(', ')}`);
  }
}

/**
 * Runs ci-gen's generate and renames a refused option to the flag that set it
 * (`namespaces[1]` -> `--namespace (namespaces[1])`), keeping the rule.
 */
export async function generateFromFlags(flags: PresetFlagValues & { preset: string }): Promise<GenerateResult> {
  const input = presetInput(flags);
  const ciGen = await import('@glkeys/ci-gen');
  try {
    return ciGen.generate(input);
  } catch (error) {
    if (error instanceof ciGen.ValidationError) {
      const option = error.field.split(/[.[]/)[0] ?? error.field;
      const flag = FLAG_OF[option];
      if (flag)
        throw new ciGen.ValidationError(
          flag,
          error.rule,
          `${flag} (${error.field}): ${error.rule.replace(/pass force: true/g, 'pass --force')}`,
        );
    }
    throw error;
  }
}

/** What `ci generate --json` and `ci setup --json` report of a preset's needs (never a value). */
export function needsJson(needs: GenerateResult['needs']) {
  return {
    variables: needs.variables.map((v) => ({
      key: v.key,
      masked: v.masked,
      protected: v.protected,
      description: v.description,
      ...(v.valueFrom ? { valueFrom: v.valueFrom } : {}),
    })),
    deployTokens: needs.deployTokens.map((t) => ({ name: t.name, scopes: [...t.scopes] })),
  };
}
