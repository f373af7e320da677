import { Args, Flags } from '@oclif/core';
import { readFile } from 'node:fs/promises';
import { GlkeysCommand } from '../../lib/base-command.js';
import { shown } from '@glkeys/core/read';
import { fileErrorMessage } from '../../lib/errors.js';
import { FlagError } from '../../lib/usage.js';

export interface EsoConvertResult {
  objects: unknown[];
  notes: { level: string; source: string; field?: string; message: string }[];
}

export default class EsoConvert extends GlkeysCommand<EsoConvertResult> {
  static override summary =
    "Convert External Secrets' GitlabDeployToken generators and their ExternalSecrets to glkeys GitlabDeployToken objects.";
  static override description = `Reads YAML (files, or stdin when none is given or for "-"; multi-document streams and kind: List) holding \
ESO GitlabDeployToken generators (generators.external-secrets.io/v1alpha1, also ClusterGenerator) and the ExternalSecrets that \
use them, and prints one glkeys GitlabDeployToken (glkeys.io/v1alpha1) per ExternalSecret: same target Secret, refresh interval, \
scopes, expiry, url, project or group, name, username and auth Secret. What has no equivalent is written as a comment above \
the object and to stderr. Nothing is sent to a cluster or to GitLab.

Apply the output before deleting the ExternalSecrets; see the operator README for a switch with no moment where a Secret is empty \
(--target-suffix).

Exit code 0 when every ExternalSecret that uses a GitLab generator was converted, 1 when some could not be (the error notes say \
which field), 2 for unreadable input.`;
  static override examples = [
    'kubectl get gitlabdeploytokens.generators.external-secrets.io,externalsecrets -A -o yaml | <%= config.bin %> eso convert',
    '<%= config.bin %> eso convert eso/generator.yaml eso/externalsecret.yaml > glkeys.yaml',
    '<%= config.bin %> eso convert eso/*.yaml --target-suffix -glkeys',
  ];
  static override strict = false;
  // ignoreStdin: oclif would otherwise take piped YAML as the first file name.
  static override args = { files: Args.string({ description: 'YAML files; "-" or none: stdin.', ignoreStdin: true }) };
  static override flags = {
    'target-suffix': Flags.string({
      summary:
        "Append this to every target Secret name (write new Secrets next to ESO's, switch consumers, then delete the ExternalSecrets).",
    }),
  };

  async run(): Promise<EsoConvertResult> {
    const { argv, flags } = await this.parse(EsoConvert);
    const suffix = flags['target-suffix'];
    if (suffix !== undefined && !/^[-.a-z0-9]{1,63}$/.test(suffix)) {
      throw new FlagError('--target-suffix', 'lower-case letters, digits, "-" and "." (it becomes part of a Secret name)');
    }
    const files = (argv as string[]).length > 0 ? (argv as string[]) : ['-'];
    const eso = await import('@glkeys/core/eso');
    const objects = [];
    for (const file of files) objects.push(...eso.parseEsoYaml(await read(file), file === '-' ? 'stdin' : file));
    const conversion = eso.convertEsoDocuments(objects, suffix === undefined ? {} : { targetSuffix: suffix });
    const notes = [...conversion.notes, ...conversion.tokens.flatMap((t) => t.notes)];
    if (!this.jsonEnabled()) {
      process.stdout.write(eso.renderEsoConversion(conversion));
      for (const note of notes) this.note(eso.formatEsoNote(note));
      this.note(`${conversion.tokens.length} GitlabDeployToken object(s) written`);
    }
    if (notes.some((n) => n.level === 'error')) process.exitCode = 1;
    return { objects: conversion.tokens.map((t) => t.object), notes };
  }
}

async function read(file: string): Promise<string> {
  if (file === '-') {
    if (process.stdin.isTTY) throw new FlagError('FILES', 'give YAML files, or pipe YAML into stdin');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new FlagError('FILES', fileErrorMessage(error, 'cannot read') ?? `cannot read ${shown(file)}`);
  }
}
