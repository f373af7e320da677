import { Flags } from '@oclif/core';
import { readFile } from 'node:fs/promises';
import type { Plan, PlanAction, SetupStep } from '@glkeys/ci-gen';
import { GlkeysCommand } from '../../lib/base-command.js';
import { errorLines, reportError } from '../../lib/errors.js';
import { generateFromFlags, needsJson, presetFlags, UsageError } from '../../lib/ci-preset.js';
import { hostFlags, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { targetJson, type TargetJson } from '../../lib/present.js';
import { parseProject } from '../../lib/targets.js';

/** A planned action as --json shows it: never a value. */
export interface CiSetupActionJson {
  kind: PlanAction['kind'];
  key?: string;
  name?: string;
  id?: number;
  masked?: boolean;
  protected?: boolean;
  scopes?: string[];
  changes?: string[];
  reason?: string;
}

export interface CiSetupResult {
  project: TargetJson;
  preset: string;
  dryRun: boolean;
  /** True when the project already has everything the pipeline needs. */
  upToDate: boolean;
  needs: ReturnType<typeof needsJson>;
  actions: CiSetupActionJson[];
  /** What was done (empty with --dry-run). */
  steps: SetupStep[];
  /** GitLab writes made: 0 with --dry-run and on a re-run. */
  writes: number;
}

export default class CiSetup extends GlkeysCommand<CiSetupResult> {
  static override summary = 'Create the CI/CD variables and deploy token a generated pipeline needs (idempotent).';
  static override description = `Reads the project's variables and deploy tokens, plans, and creates or updates only what is missing: \
masked and protected variables as the preset asks, and for registry-pull the gitlab-deploy-token deploy token (read_registry). \
A re-run changes nothing. --dry-run prints the plan (values redacted) and writes nothing.

Values are checked before any GitLab call: a variable key outside [A-Za-z0-9_], a value GitLab cannot mask (it says why, without \
repeating the value), or a value for a variable the pipeline does not use are refused with exit 2.

Give secret values with --value-from-env KEY (reads the environment variable KEY, or KEY=ENV_NAME) or --value KEY=@FILE \
(reads the file; one trailing newline is dropped), so they stay out of your shell history. --value KEY=literal is for \
non-secrets such as KESTRA_USER. No value is ever printed.`;
  static override examples = [
    'KESTRA_API_TOKEN=... KESTRA_VALIDATE_API_TOKEN=... <%= config.bin %> ci setup --project team/flows --preset kestra --kestra-version 1.0.4 --kestra-host https://kestra.example.com --namespace prod --value-from-env KESTRA_API_TOKEN --value-from-env KESTRA_VALIDATE_API_TOKEN',
    '<%= config.bin %> ci setup --project team/flows --preset kestra --kestra-version 1.0.4 --kestra-host https://kestra.example.com --namespace prod --auth basic --local --value KESTRA_USER=ci-deployer --value KESTRA_PASSWORD=@./kestra-password.txt --dry-run',
    "<%= config.bin %> ci setup --project 42 --preset registry-pull --image '$CI_REGISTRY_IMAGE/app:1.4.2'",
  ];
  static override flags = {
    ...projectFlag,
    ...presetFlags,
    value: Flags.string({
      summary:
        'KEY=@FILE reads the value from a file (for secrets); KEY=literal only for non-secrets (argv lands in shell history). Repeat it.',
      multiple: true,
      helpGroup: 'VALUES',
    }),
    'value-from-env': Flags.string({
      summary: 'KEY (or KEY=ENV_NAME): take the value of KEY from an environment variable. Repeat it.',
      multiple: true,
      helpGroup: 'VALUES',
    }),
    'dry-run': Flags.boolean({ summary: 'Print the plan (values redacted); make no GitLab write.' }),
    ...hostFlags,
  };

  /** Set once the project's variables and deploy tokens were read: a refusal then is no longer "nothing was sent". */
  private readProject = false;
  /** Set once the plan's writes started: a refusal then may follow some writes. */
  private writing = false;

  async run(): Promise<CiSetupResult> {
    const { flags } = await this.parse(CiSetup);
    const generated = await generateFromFlags(flags);
    const ciGen = await import('@glkeys/ci-gen');
    const provided = await collectValues(flags.value ?? [], flags['value-from-env'] ?? [], ciGen.variableKeyProblem);
    // The rules that depend on a value alone are checked before the token is read or any call made.
    refuse(
      ciGen,
      ciGen.planSetup(generated.needs, { variables: [], deployTokens: [] }, provided),
      (field) => field.startsWith('values.') || Object.keys(provided).some((k) => field === `variables.${k}`),
    );
    const project = await parseProject(flags);
    const { client } = await gitlabClient(flags);

    this.readProject = true;
    const current = await ciGen.readSetupState(client, project);
    const plan = ciGen.planSetup(generated.needs, current, provided);
    refuse(ciGen, plan, () => true);
    const result: CiSetupResult = {
      project: targetJson({ kind: 'project', ref: project }),
      preset: generated.preset,
      dryRun: flags['dry-run'] === true,
      upToDate: plan.upToDate,
      needs: needsJson(generated.needs),
      actions: plan.actions.map(actionJson),
      steps: [],
      writes: 0,
    };
    if (flags['dry-run']) {
      this.say(`Plan (dry run, nothing written):`);
      for (const action of result.actions) this.say(`  ${describeAction(action)}`);
      this.say(
        plan.upToDate
          ? 'Up to date: nothing to change.'
          : `${plan.actions.filter((a) => !a.kind.startsWith('keep-')).length} change(s) would be made.`,
      );
      return result;
    }
    this.writing = true;
    const executed = await ciGen.executeSetupPlan(client, project, plan, current);
    for (const step of executed.steps) this.say(describeStep(step, plan.actions));
    this.say(plan.upToDate ? `Up to date: nothing to change (${executed.writes} writes).` : `Done: ${executed.writes} write(s).`);
    return { ...result, steps: executed.steps, writes: executed.writes };
  }

  override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const report = reportError(error);
    // The shared hint says "Nothing was sent to GitLab.", untrue once the project was read.
    if (!this.readProject || report.code !== 'VALIDATION') return super.catch(error);
    const truthful = { ...report, hint: this.writing ? AFTER_WRITES_HINT : READ_ONLY_HINT };
    process.exitCode = truthful.exitCode;
    if (this.jsonEnabled()) this.logJson({ error: truthful });
    else process.stderr.write(errorLines(truthful));
  }
}

/** A refusal decided on what the project holds (a deploy token lacking a scope, a hidden value to mask) comes after reading it. */
const READ_ONLY_HINT =
  "GitLab was only read (the project's variables and deploy tokens); nothing was written. `--help` lists the flags with examples.";

const AFTER_WRITES_HINT =
  'Earlier steps of the plan may have been written to GitLab; `glkeys ci setup --dry-run` with the same flags shows what is left.';

/** KEY=value pairs from --value and --value-from-env; duplicates and unreadable sources are usage errors. */
async function collectValues(
  values: string[],
  fromEnv: string[],
  keyProblem: (key: string) => string | undefined,
): Promise<Record<string, string>> {
  const provided: Record<string, string> = {};
  const put = (flag: string, key: string, value: string) => {
    const problem = keyProblem(key);
    if (problem) throw new UsageError(flag, `"${key.slice(0, 40)}": ${problem}`);
    if (key in provided) throw new UsageError(flag, `${key} is given twice`);
    provided[key] = value;
  };
  for (const entry of values) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError('--value', 'must be KEY=@FILE or KEY=literal');
    const key = entry.slice(0, at);
    const raw = entry.slice(at + 1);
    if (!raw.startsWith('@')) {
      put('--value', key, raw);
      continue;
    }
    const path = raw.slice(1);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new UsageError('--value', `${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    // Files written by `echo` or an editor end with a newline that is not part of the secret.
    put('--value', key, text.replace(/\r?\n$/, ''));
  }
  for (const entry of fromEnv) {
    const at = entry.indexOf('=');
    const key = at === -1 ? entry : entry.slice(0, at);
    const name = at === -1 ? entry : entry.slice(at + 1);
    const value = process.env[name];
    if (value === undefined) throw new UsageError('--value-from-env', `${key}: environment variable ${name} is not set`);
    put('--value-from-env', key, value);
  }
  return provided;
}

/** Throws one validation error listing every refusal `keep` selects (their messages never hold a value). */
function refuse(ciGen: typeof import('@glkeys/ci-gen'), plan: Plan, keep: (field: string) => boolean): void {
  const refusals = plan.refusals.filter((r) => keep(r.field));
  const first = refusals[0];
  if (!first) return;
  throw new ciGen.ValidationError(first.field, first.rule, refusals.map((r) => r.message).join('\n'));
}

function actionJson(action: PlanAction): CiSetupActionJson {
  switch (action.kind) {
    case 'create-variable':
      return { kind: action.kind, key: action.key, masked: action.masked, protected: action.protected };
    case 'update-variable':
      return { kind: action.kind, key: action.key, masked: action.masked, protected: action.protected, changes: [...action.changes] };
    case 'keep-variable':
      return { kind: action.kind, key: action.key, reason: action.reason };
    case 'create-deploy-token':
      return { kind: action.kind, name: action.name, scopes: [...action.scopes] };
    case 'keep-deploy-token':
      return { kind: action.kind, name: action.name, id: action.id, reason: action.reason };
  }
}

const attributes = (a: { masked?: boolean | undefined; protected?: boolean | undefined }) =>
  `${a.masked ? 'masked' : 'visible'}, ${a.protected ? 'protected' : 'unprotected'}`;

function describeAction(a: CiSetupActionJson): string {
  switch (a.kind) {
    case 'create-variable':
      return `create variable ${a.key} (${attributes(a)}), value [redacted]`;
    case 'update-variable':
      return `update variable ${a.key} (${attributes(a)}): ${a.changes?.join(', ')}`;
    case 'keep-variable':
      return `keep variable ${a.key}: ${a.reason}`;
    case 'create-deploy-token':
      return `create deploy token ${a.name} (${a.scopes?.join(', ')})`;
    case 'keep-deploy-token':
      return `keep deploy token ${a.name} #${a.id}: ${a.reason}`;
  }
}

function describeStep(step: SetupStep, actions: PlanAction[]): string {
  if (!('key' in step)) {
    return `${step.kind === 'created-deploy-token' ? 'created' : 'kept'} deploy token ${step.name} #${step.id}`;
  }
  const action = actions.find((a) => 'key' in a && a.key === step.key);
  const detail = action && 'masked' in action ? ` (${attributes(action)})` : '';
  return `${step.kind.replace('-variable', '')} variable ${step.key}${detail}`;
}
