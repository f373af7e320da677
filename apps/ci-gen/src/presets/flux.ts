import { invalid } from '../model/errors.js';
import type { Job, Pipeline, Rule } from '../model/pipeline.js';
import { WORKFLOW, checkPinned, shellWord } from './common.js';
import type { PresetResult } from './result.js';

export interface FluxPresetOptions {
  /** Kustomization directories to build and validate, e.g. `./clusters/production`. */
  paths: string[];
  /** Flux release whose CRD schemas validate Flux objects; default `2.4.0`. */
  fluxVersion?: string;
  /** Kubernetes version of the built-in schemas; default `1.31.0`. */
  kubernetesVersion?: string;
  /** Image with `kustomize` and a shell; default `registry.k8s.io/kustomize/kustomize:v5.4.3`. */
  kustomizeImage?: string;
  /** Image with `kubeconform` and a shell; default `ghcr.io/yannh/kubeconform:v0.6.7-alpine`. */
  kubeconformImage?: string;
  /** Pass resources whose schema is unknown (third-party CRDs); default true, as Flux's own script does. */
  ignoreMissingSchemas?: boolean;
  /** Kinds not validated; default `["Secret"]` (SOPS-encrypted Secrets do not match the schema). */
  skipKinds?: string[];
  runnerTags?: string[];
  force?: boolean;
}

const SEMVER = /^\d+\.\d+\.\d+$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** Validation runs for merge requests and the default branch, where Flux reconciles from. */
const VALIDATE_RULES: Rule[] = [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }];

function slug(path: string): string {
  return path.replace(/^\.?\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'root';
}

/**
 * Flux repository checks: `kustomize build` each path, then kubeconform with Kubernetes and
 * Flux CRD schemas. Flux deploys by pulling, so there is no deploy job and no credential.
 */
export function fluxPreset(options: FluxPresetOptions): PresetResult {
  if (!Array.isArray(options.paths) || options.paths.length === 0) {
    throw invalid('paths', 'at least one kustomization path is required');
  }
  const seen = new Set<string>();
  for (const [i, path] of options.paths.entries()) {
    if (path.trim() === '' || /\s/.test(path) || path.includes('..')) {
      throw invalid(`paths[${i}]`, 'must be a relative path inside the repository, without spaces or ..');
    }
    if (seen.has(slug(path))) throw invalid(`paths[${i}]`, `"${path}" is listed twice`);
    seen.add(slug(path));
  }
  const fluxVersion = (options.fluxVersion ?? '2.4.0').replace(/^v/, '');
  if (!SEMVER.test(fluxVersion))
    throw invalid('fluxVersion', 'must be a release version major.minor.patch (the CRD schemas are pinned to it)');
  const kubernetesVersion = (options.kubernetesVersion ?? '1.31.0').replace(/^v/, '');
  if (!SEMVER.test(kubernetesVersion)) throw invalid('kubernetesVersion', 'must be major.minor.patch');
  const kustomizeImage = options.kustomizeImage ?? 'registry.k8s.io/kustomize/kustomize:v5.4.3';
  const kubeconformImage = options.kubeconformImage ?? 'ghcr.io/yannh/kubeconform:v0.6.7-alpine';
  checkPinned('kustomizeImage', kustomizeImage, options.force);
  checkPinned('kubeconformImage', kubeconformImage, options.force);
  const skipKinds = options.skipKinds ?? ['Secret'];
  for (const [i, kind] of skipKinds.entries()) {
    if (!KIND.test(kind)) throw invalid(`skipKinds[${i}]`, 'must be a Kubernetes kind (letters and digits)');
  }

  const build: Job = {
    comment: 'Renders every kustomization; a broken overlay fails here, before Flux sees it.',
    stage: 'build',
    image: { name: kustomizeImage, entrypoint: [''] },
    rules: VALIDATE_RULES,
    interruptible: true,
    script: [
      'mkdir -p rendered',
      ...options.paths.map((p) => `kustomize build --load-restrictor=LoadRestrictionsNone ${shellWord(p)} > rendered/${slug(p)}.yaml`),
    ],
    artifacts: { paths: ['rendered/'], expire_in: '1 day' },
  };
  const flags = [
    '-strict',
    '-summary',
    `-kubernetes-version ${kubernetesVersion}`,
    ...(options.ignoreMissingSchemas === false ? [] : ['-ignore-missing-schemas']),
    ...(skipKinds.length > 0 ? [`-skip ${skipKinds.join(',')}`] : []),
    '-schema-location default',
    '-schema-location /tmp/flux-crd-schemas',
  ];
  const validate: Job = {
    comment: `Checks the rendered objects against Kubernetes ${kubernetesVersion} and Flux ${fluxVersion} CRD schemas.`,
    stage: 'validate',
    image: { name: kubeconformImage, entrypoint: [''] },
    needs: ['flux-build'],
    rules: VALIDATE_RULES,
    interruptible: true,
    before_script: [
      'mkdir -p /tmp/flux-crd-schemas/master-standalone-strict',
      `wget -qO- https://github.com/fluxcd/flux2/releases/download/v${fluxVersion}/crd-schemas.tar.gz | tar -xzf - -C /tmp/flux-crd-schemas/master-standalone-strict`,
    ],
    script: [`kubeconform ${flags.join(' ')} rendered/`],
  };
  if (options.runnerTags) {
    build.tags = options.runnerTags;
    validate.tags = options.runnerTags;
  }
  const pipeline: Pipeline = {
    header: `Flux: render and schema-check ${options.paths.join(', ')} on merge requests and the default branch.\nGenerated by @glkeys/ci-gen.`,
    workflow: WORKFLOW,
    stages: ['build', 'validate'],
    jobs: { 'flux-build': build, 'flux-validate': validate },
  };
  return { pipeline, needs: { variables: [], deployTokens: [] } };
}
