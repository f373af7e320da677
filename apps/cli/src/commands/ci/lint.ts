import { Args, Flags } from '@oclif/core';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { GlkeysCommand } from '../../lib/base-command.js';
import { UsageError } from '../../lib/ci-preset.js';
import { fileErrorMessage } from '../../lib/errors.js';
import { shown } from '@glkeys/core/read';
import { hostFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { targetJson, type TargetJson } from '../../lib/present.js';
import { parseProject } from '../../lib/targets.js';

export interface CiLintResult {
  file: string;
  /** `schema`: GitLab's CI JSON schema, offline; `gitlab`: the project's CI Lint API. */
  mode: 'schema' | 'gitlab';
  project?: TargetJson;
  valid: boolean;
  /** `path` is a JSON pointer into the pipeline (offline), empty for the whole file or GitLab's answers. */
  errors: { path: string; message: string; check?: 'config' }[];
  /** What was not checked (offline: an include that is not a local file), or GitLab's warnings. */
  warnings?: string[];
}

export default class CiLint extends GlkeysCommand<CiLintResult> {
  static override summary = "Validate a pipeline file as GitLab does (offline), or through a project's CI Lint API.";
  static override description = `Offline by default, no network, no token: GitLab's CI JSON schema, then what GitLab's config parser \
checks beyond it, in GitLab's words: every job's stage exists (GitLab's default stages when \`stages\` is absent), \`needs\` and \
\`dependencies\` name jobs of the current or prior stages, \`extends\` and \`!reference\` resolve (no cycle, not too deep), \
\`environment:on_stop\` jobs match. \`include: local\` files are read from the repository (the folder holding .git above FILE); \
other includes cannot be read offline: what they could define is not checked, and a warning says so. With --project the file \
is sent to POST /projects/:id/ci/lint, which resolves every include and knows that project's settings (--ref picks the branch).

Exit code 0 when the pipeline is valid, 1 when it is invalid (errors printed as "path: message"), 2 for usage errors.`;
  static override examples = [
    '<%= config.bin %> ci lint',
    '<%= config.bin %> ci lint .gitlab-ci.yml --json',
    '<%= config.bin %> ci lint .gitlab-ci.yml --project team/flows --ref main',
  ];
  static override args = { file: Args.string({ description: 'Pipeline file.', default: '.gitlab-ci.yml' }) };
  static override flags = {
    project: Flags.string({
      summary: "Lint through this project's CI Lint API: numeric ID, full path or a pasted URL.",
      helpGroup: 'GITLAB',
    }),
    ref: Flags.string({
      summary: 'Branch or tag whose context GitLab lints in (with --project).',
      dependsOn: ['project'],
      helpGroup: 'GITLAB',
    }),
    ...hostFlags,
  };

  async run(): Promise<CiLintResult> {
    const { args, flags } = await this.parse(CiLint);
    if (flags.project === undefined) this.refuseGiven(['hostname', 'ca-file'], 'without --project (the offline lint makes no call)');
    let text: string;
    try {
      text = await readFile(args.file, 'utf8');
    } catch (error) {
      throw new UsageError('FILE', fileErrorMessage(error, 'cannot read') ?? `cannot read ${shown(args.file)}`);
    }
    const ciGen = await import('@glkeys/ci-gen');
    let result: CiLintResult;
    if (flags.project !== undefined) {
      const project = await parseProject({ project: flags.project, hostname: flags.hostname });
      const { client } = await gitlabClient(flags);
      const answer = await ciGen.lintRemote(client, project, text, flags.ref ? { ref: flags.ref } : {});
      result = { file: args.file, mode: 'gitlab', project: targetJson({ kind: 'project', ref: project }), ...answer };
    } else {
      const root = await repositoryRoot(args.file);
      result = { file: args.file, mode: 'schema', ...(await ciGen.lint(text, { readLocal: (path) => readInside(root, path) })) };
    }
    for (const warning of result.warnings ?? []) this.note(`Warning: ${warning}`);
    if (result.valid) {
      this.say(
        `${args.file}: valid (${result.mode === 'gitlab' ? "GitLab's CI Lint API" : "GitLab's CI schema and config checks, offline"})`,
      );
    } else {
      // Errors go to stdout: they are the answer to the question this command asks.
      this.say(`${args.file}: invalid`);
      for (const e of result.errors) this.say(`  ${e.path ? `${e.path}: ` : ''}${e.message}`);
      process.exitCode = 1;
    }
    return result;
  }
}

/** The repository a pipeline file belongs to: the nearest folder above it holding .git, else the file's folder. */
async function repositoryRoot(file: string): Promise<string> {
  const start = dirname(resolve(file));
  for (let dir = start; ; dir = dirname(dir)) {
    if (
      await stat(join(dir, '.git')).then(
        () => true,
        () => false,
      )
    )
      return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** A repository file for `include: local`; undefined when missing or outside the repository. */
async function readInside(root: string, path: string): Promise<string | undefined> {
  const full = resolve(root, path);
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  return readFile(full, 'utf8').catch(() => undefined);
}
