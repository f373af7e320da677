/**
 * A typed subset of GitLab's `.gitlab-ci.yml` (keyword names kept as GitLab spells them, so
 * the model reads like the YAML it becomes). Only what the presets need plus a little room.
 */

/** `image:` as GitLab accepts it. `entrypoint: [""]` lets the runner's shell start in images whose entrypoint is a CLI. */
export interface Image {
  name: string;
  entrypoint?: string[];
}

export type ImageRef = string | Image;

export type When = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never';

/** One `rules:` entry. */
export interface Rule {
  if?: string;
  changes?: string[];
  exists?: string[];
  when?: When;
  allow_failure?: boolean;
  variables?: Record<string, string>;
}

export interface Workflow {
  name?: string;
  rules: Rule[];
}

export type Include =
  | { local: string }
  | { project: string; file: string | string[]; ref?: string }
  | { template: string }
  | { remote: string }
  | { component: string };

export type DeploymentTier = 'production' | 'staging' | 'testing' | 'development' | 'other';

export interface Environment {
  name: string;
  url?: string;
  deployment_tier?: DeploymentTier;
}

export interface Artifacts {
  name?: string;
  paths?: string[];
  when?: 'on_success' | 'on_failure' | 'always';
  expire_in?: string;
}

/** A job dependency; the object form lets a job skip downloading artifacts. */
export type Need = string | { job: string; artifacts?: boolean; optional?: boolean };

/** A literal value, or GitLab's long form with a description shown in "Run pipeline". */
export type VariableValue = string | { value: string; description?: string; expand?: boolean };

export interface Job {
  /** Rendered as a YAML comment above the job: what it does and why. Not a GitLab keyword. */
  comment?: string;
  stage: string;
  image?: ImageRef;
  tags?: string[];
  needs?: Need[];
  rules?: Rule[];
  variables?: Record<string, VariableValue>;
  environment?: Environment;
  resource_group?: string;
  interruptible?: boolean;
  allow_failure?: boolean;
  timeout?: string;
  before_script?: string[];
  script: string[];
  after_script?: string[];
  artifacts?: Artifacts;
  /** Which global `default:` keys and `variables:` the job takes; `default: false` shields it from the including pipeline's. */
  inherit?: { default?: boolean | string[]; variables?: boolean | string[] };
}

export interface Defaults {
  image?: ImageRef;
  tags?: string[];
  interruptible?: boolean;
  before_script?: string[];
  timeout?: string;
}

export interface Pipeline {
  /** Rendered as comment lines at the top of the file. */
  header?: string;
  workflow?: Workflow;
  include?: Include[];
  stages: string[];
  default?: Defaults;
  variables?: Record<string, VariableValue>;
  jobs: Record<string, Job>;
}
