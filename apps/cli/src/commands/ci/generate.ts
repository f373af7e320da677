import { Flags } from '@oclif/core';
import { readFile, writeFile } from 'node:fs/promises';
import { GlkeysCommand } from '../../lib/base-command.js';
import { generateFromFlags, needsJson, presetFlags, UsageError } from '../../lib/ci-preset.js';

export interface CiGenerateResult {
  preset: string;
  /** Files this run wrote or checked; empty when the YAML went to stdout. */
  files: { path: string; action: 'written' | 'created' | 'replaced' | 'unchanged' | 'include-added' }[];
  /** CI/CD variables and deploy tokens the pipeline expects (`ci setup` creates them). */
  needs: ReturnType<typeof needsJson>;
  /** The pipeline, when it was not written to a file. */
  yaml?: string;
}

export default class CiGenerate extends GlkeysCommand<CiGenerateResult> {
  static override summary = 'Generate a GitLab CI pipeline from a preset (kestra, flux, registry-pull).';
  static override description = `Without --output or --include-file the YAML is printed on stdout.
--output writes it as a whole file (an existing, different file is kept unless --overwrite).
--include-file writes the preset to its own file (a path relative to the repository root, e.g. .gitlab/ci/kestra.yml) \
and adds \`include: - local: /<path>\` to --ci-file. That file keeps its pipeline: the included file sets no stages, \
workflow, default or global variables (its jobs carry their own image and variables and do not inherit default:), and the \
preset's stages are added to --ci-file's stages list (written there from GitLab's defaults or the included list when it has \
none). The rest of --ci-file stays byte-identical (comments and key order kept).

Every preset pins its images, deploys only from the default branch (or protected refs), serialises deploys with \
resource_group and takes secrets only as $VARIABLE references. \`glkeys ci setup\` creates the variables and tokens it needs.`;
  static override examples = [
    '<%= config.bin %> ci generate --preset kestra --kestra-version 1.0.4 --kestra-host https://kestra.example.com --namespace company.team',
    '<%= config.bin %> ci generate --preset kestra --kestra-version 2.0.2 --kestra-host https://kestra.example.com --namespace prod=flows/prod --namespace dev=flows/dev --auth basic --include-file .gitlab/ci/kestra.yml',
    '<%= config.bin %> ci generate --preset flux --path ./clusters/production --path ./clusters/staging --output .gitlab-ci.yml',
    "<%= config.bin %> ci generate --preset registry-pull --image '$CI_REGISTRY_IMAGE/app:1.4.2' --json",
  ];
  static override flags = {
    ...presetFlags,
    output: Flags.string({
      summary: 'Write the pipeline to this file (e.g. .gitlab-ci.yml).',
      exclusive: ['include-file'],
      helpGroup: 'OUTPUT',
    }),
    overwrite: Flags.boolean({
      summary: 'Let --output replace an existing file with different content.',
      dependsOn: ['output'],
      helpGroup: 'OUTPUT',
    }),
    'include-file': Flags.string({
      summary: 'Write the pipeline to this repository path (e.g. .gitlab/ci/kestra.yml) and include it from --ci-file.',
      exclusive: ['output'],
      helpGroup: 'OUTPUT',
    }),
    'ci-file': Flags.string({
      summary: 'The .gitlab-ci.yml that --include-file adds the include to (created when missing).',
      default: '.gitlab-ci.yml',
      helpGroup: 'OUTPUT',
    }),
  };

  async run(): Promise<CiGenerateResult> {
    const { flags } = await this.parse(CiGenerate);
    if (!flags['include-file']) this.refuseGiven(['ci-file'], 'without --include-file (only the include form edits it)');
    const generated = await generateFromFlags(flags);
    const needs = needsJson(generated.needs);
    const base = { preset: generated.preset, needs };
    let files: CiGenerateResult['files'];

    if (flags['include-file']) {
      const { writeInclude } = await import('@glkeys/ci-gen');
      const out = await writeInclude({ ciFilePath: flags['ci-file'], includePath: flags['include-file'], pipeline: generated.pipeline });
      files = [
        { path: out.includeFile, action: 'written' },
        { path: flags['ci-file'], action: out.ciFileCreated ? 'created' : out.ciFileChanged ? 'include-added' : 'unchanged' },
      ];
      this.note(
        `Wrote ${out.includeFile}; ${flags['ci-file']} ${out.ciFileCreated ? 'created with' : out.ciFileChanged ? 'now has' : 'already had'} include local /${flags['include-file'].replace(/^\.?\/+/, '')}.`,
      );
      if (out.stagesAdded.length > 0) this.note(`Added stage(s) ${out.stagesAdded.join(', ')} to the stages of ${flags['ci-file']}.`);
    } else if (flags.output) {
      files = [{ path: flags.output, action: await writeOutput(flags.output, generated.yaml, flags.overwrite) }];
      this.note(`Wrote ${flags.output}.`);
    } else {
      if (!this.jsonEnabled()) process.stdout.write(generated.yaml);
      this.noteNeeds(needs);
      return { ...base, files: [], yaml: generated.yaml };
    }
    this.noteNeeds(needs);
    return { ...base, files };
  }

  private noteNeeds(needs: CiGenerateResult['needs']): void {
    if (needs.variables.length === 0 && needs.deployTokens.length === 0) return;
    const items = [
      ...needs.variables.map(
        (v) => `variable ${v.key} (${[v.masked ? 'masked' : 'visible', v.protected ? 'protected' : 'unprotected'].join(', ')})`,
      ),
      ...needs.deployTokens.map((t) => `deploy token ${t.name} (${t.scopes.join(', ')})`),
    ];
    this.note(
      `The pipeline needs: ${items.join('; ')}. Create them with \`glkeys ci setup --project <project>\` and the same preset flags.`,
    );
  }
}

/** Writes the whole pipeline file; a hand-written file with other content is not replaced silently. */
async function writeOutput(path: string, content: string, overwrite: boolean): Promise<'created' | 'replaced' | 'unchanged'> {
  let current: string | undefined;
  try {
    current = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (current === content) return 'unchanged';
  if (current !== undefined && !overwrite) {
    throw new UsageError(
      '--output',
      `${path} exists with other content; pass --overwrite to replace it, or --include-file to keep it and add an include`,
    );
  }
  await writeFile(path, content);
  return current === undefined ? 'created' : 'replaced';
}
