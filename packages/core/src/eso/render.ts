/**
 * A conversion as a YAML stream for `kubectl apply -f`: each object preceded by comments that
 * say where it came from and what did not carry over; sources that produced nothing are listed
 * as comments at the top. Notes never hold a secret value: ESO objects reference Secrets only.
 */
import { stringify } from 'yaml';
import type { EsoConversion, EsoNote } from './convert.js';

export function formatEsoNote(note: EsoNote): string {
  return `${note.level}: ${note.source}${note.field ? `: ${note.field}` : ''}: ${note.message}`;
}

function comment(text: string): string {
  return text
    .split('\n')
    .map((line) => `# ${line}`)
    .join('\n');
}

export function renderEsoConversion(conversion: EsoConversion): string {
  const parts: string[] = [];
  const header = [
    'glkeys GitlabDeployToken objects (glkeys.io/v1alpha1) converted from External Secrets by `glkeys eso convert`.',
    'Apply them before deleting the ExternalSecrets; the operator README has the migration steps.',
    ...conversion.notes.map(formatEsoNote),
  ];
  parts.push(comment(header.join('\n')));
  for (const token of conversion.tokens) {
    const lines = [`From ExternalSecret ${token.externalSecret} and ${token.generator}.`, ...token.notes.map(formatEsoNote)];
    parts.push(`${comment(lines.join('\n'))}\n${stringify(token.object, { lineWidth: 0 }).trimEnd()}`);
  }
  return `${parts.join('\n---\n')}\n`;
}
