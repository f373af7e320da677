import { Args, Flags } from '@oclif/core';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GlkeysCommand } from '../../lib/base-command.js';
import { UsageError } from '../../lib/ci-preset.js';
import { shown } from '@glkeys/core/read';

export interface CiKestraLabelResult {
  dir: string;
  dryRun: boolean;
  /** Flow files (relative to dir) that got `labels: system.readOnly: true` (or would, with --dry-run). */
  changed: string[];
  /** Flow files that already had it. */
  unchanged: string[];
}

export default class CiKestraLabel extends GlkeysCommand<CiKestraLabelResult> {
  static override summary = 'Add `labels: system.readOnly: true` to every Kestra flow under a directory that lacks it.';
  static override description = `Kestra advises it for flows deployed from CI: the UI editor is then read-only, so nobody edits a flow \
that the next pipeline would overwrite. Files without a labels key get one inserted after namespace (the rest of the file is \
byte-identical); existing labels (map or {key, value} list) are edited with comments kept. --dry-run lists the files only.`;
  static override examples = [
    '<%= config.bin %> ci kestra-label ./kestra/flows --dry-run',
    '<%= config.bin %> ci kestra-label ./kestra/flows',
  ];
  static override args = {
    dir: Args.string({ description: 'Directory of Kestra flows (.yml/.yaml, searched recursively).', required: true }),
  };
  static override flags = { 'dry-run': Flags.boolean({ summary: 'List the files that would change; write nothing.' }) };

  async run(): Promise<CiKestraLabelResult> {
    const { args, flags } = await this.parse(CiKestraLabel);
    // Checked here rather than by oclif's `exists`, whose error would not map to exit 2.
    const isDir = await stat(args.dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new UsageError('DIR', `${shown(args.dir)} is not a directory`);
    const dryRun = flags['dry-run'] === true;
    const { ensureReadOnlyLabelInDirectory } = await import('@glkeys/ci-gen');
    // Absolute, because ci-gen derives relative names by the length of the dir string ('.' misnames them).
    const out = await ensureReadOnlyLabelInDirectory(resolve(args.dir), { dryRun });
    const verb = dryRun ? 'would label' : 'labelled';
    for (const file of out.changed) this.say(`${verb} ${file}`);
    this.say(`${out.changed.length} ${verb}, ${out.unchanged.length} already read-only.`);
    return { dir: args.dir, dryRun, changed: out.changed, unchanged: out.unchanged };
  }
}
