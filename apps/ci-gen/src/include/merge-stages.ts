import { isMap, isScalar, isSeq, parseAllDocuments, type Node, type Pair } from 'yaml';
import { invalid } from '../model/errors.js';
import type { TextEdit } from './add-local-include.js';

export interface StagesEdit extends TextEdit {
  /** The stage list the pipeline has after the edit. */
  stages: string[];
  /** The stages that were added (empty when all were there). */
  added: string[];
}

/**
 * `needed` merged into `current`, keeping both orders: a missing stage goes just before the next
 * needed stage that is listed, else just after the previous one, else at the end (before `.post`).
 */
export function mergeStageLists(current: readonly string[], needed: readonly string[]): string[] {
  const list = [...current];
  needed.forEach((stage, i) => {
    if (list.includes(stage)) return;
    const next = needed
      .slice(i + 1)
      .map((s) => list.indexOf(s))
      .find((at) => at !== -1);
    const previous = needed
      .slice(0, i)
      .map((s) => list.indexOf(s))
      .filter((at) => at !== -1)
      .pop();
    const post = list.indexOf('.post');
    const at = next ?? (previous === undefined ? (post === -1 ? list.length : post) : previous + 1);
    list.splice(at, 0, stage);
  });
  const order = needed.map((s) => list.indexOf(s));
  if (order.some((at, i) => i > 0 && at < order[i - 1]!)) {
    throw invalid(
      'ciFile',
      `its stages list ${current.filter((s) => needed.includes(s)).join(', ')} in another order than the preset runs them (${needed.join(', ')}); reorder them or choose another --ci-file`,
    );
  }
  return list;
}

const plain = (stage: string) => (/^[A-Za-z0-9_.][A-Za-z0-9_. /-]*$/.test(stage) && !/[ ]$/.test(stage) ? stage : JSON.stringify(stage));

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

/**
 * Makes `.gitlab-ci.yml` text list every stage in `needed`, by a minimal textual edit (comments
 * and the rest of the file byte-identical). A file without `stages` gets one holding
 * `inherited` (what its pipeline has today: GitLab's defaults or an included file's list) plus
 * the missing stages, since a `stages` key in the including file wins over any include.
 */
export function mergeStages(text: string, needed: readonly string[], inherited: readonly string[]): StagesEdit {
  const docs = parseAllDocuments(text);
  const doc = Array.isArray(docs) ? docs[docs.length - 1] : undefined;
  const root = doc?.contents;
  const pair = isMap(root) ? root.items.find((p: Pair) => isScalar(p.key) && p.key.value === 'stages') : undefined;
  if (!pair) {
    const stages = mergeStageLists(inherited, needed);
    const added = stages.filter((s) => !inherited.includes(s));
    if (added.length === 0) return { text, changed: false, stages, added };
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    const blank = text.trim() === '' ? '' : '\n';
    const block = `stages:\n${stages.map((s) => `  - ${plain(s)}\n`).join('')}`;
    return { text: `${text}${separator}${blank}${block}`, changed: true, stages, added };
  }
  const value = pair.value as Node | null;
  if (!isSeq(value) || !value.items.every((item) => isScalar(item) && typeof item.value === 'string' && item.range)) {
    throw invalid('ciFile', 'its stages is not a list of names glkeys can edit; make it a list (stages: [build, test])');
  }
  const items = value.items as { value: string; range: [number, number, number] }[];
  const current = items.map((item) => item.value);
  const stages = mergeStageLists(current, needed);
  const added = stages.filter((s) => !current.includes(s));
  if (added.length === 0) return { text, changed: false, stages, added };

  if (value.flow || items.length === 0) {
    // `stages: [build, test]`: the list is written again, each existing item as it was typed.
    const [start, , end] = value.range ?? [0, 0, 0];
    const close = text.lastIndexOf(']', end);
    const open = text.indexOf('[', start);
    if (open === -1 || close < open) throw invalid('ciFile', 'its stages list could not be edited; add the stages yourself');
    const typed = new Map(items.map((item) => [item.value, text.slice(item.range[0], item.range[1])]));
    const inner = stages.map((s) => typed.get(s) ?? plain(s)).join(', ');
    return { text: `${text.slice(0, open)}[${inner}]${text.slice(close + 1)}`, changed: true, stages, added };
  }
  // A block list: each added stage becomes its own line, before the item it now precedes.
  const first = items[0]!;
  const dash = text.lastIndexOf('-', first.range[0]);
  const indent = ' '.repeat(dash - lineStart(text, dash));
  let out = text;
  const inserts: { at: number; line: string }[] = [];
  for (const [i, stage] of stages.entries()) {
    if (current.includes(stage)) continue;
    const following = stages.slice(i + 1).find((s) => current.includes(s));
    const item = following === undefined ? undefined : items[current.indexOf(following)];
    if (item) {
      inserts.push({ at: lineStart(text, text.lastIndexOf('-', item.range[0])), line: `${indent}- ${plain(stage)}\n` });
    } else {
      const last = items[items.length - 1]!;
      const eol = lineEnd(text, last.range[1]);
      inserts.push(
        eol < text.length ? { at: eol + 1, line: `${indent}- ${plain(stage)}\n` } : { at: eol, line: `\n${indent}- ${plain(stage)}` },
      );
    }
  }
  // From the end, so earlier offsets stay right; same offset keeps the list order.
  for (const { at, line } of [...inserts].reverse()) out = out.slice(0, at) + line + out.slice(at);
  return { text: out, changed: true, stages, added };
}
