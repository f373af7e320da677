import { isMap, isScalar, isSeq, parseAllDocuments, type Node, type Pair } from 'yaml';
import { invalid } from '../model/errors.js';

export interface TextEdit {
  /** The new file text. */
  text: string;
  /** False when the include was already there: `text` is then the input, unchanged. */
  changed: boolean;
}

const INCLUDE_PATH = /^\/?[A-Za-z0-9_.][A-Za-z0-9_./-]*\.ya?ml$/;

/** `/.gitlab/ci/x.yml`, `.gitlab/ci/x.yml` and `./.gitlab/ci/x.yml` name the same file. */
function normalize(path: string): string {
  return path.replace(/^\.\//, '').replace(/^\/+/, '');
}

function includedPaths(value: Node | null): string[] {
  const one = (n: unknown): string[] => {
    if (isScalar(n) && typeof n.value === 'string') return [n.value];
    if (isMap(n)) {
      const local = n.get('local');
      return typeof local === 'string' ? [local] : [];
    }
    return [];
  };
  return isSeq(value) ? value.items.flatMap(one) : one(value);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

function insertAt(text: string, offset: number, snippet: string): TextEdit {
  return { text: text.slice(0, offset) + snippet + text.slice(offset), changed: true };
}

/**
 * Adds `include: - local: <path>` to `.gitlab-ci.yml` text by a minimal textual insertion, so
 * comments, key order and formatting stay byte-identical. Handles no include key, an include
 * string, a block or flow list, and an include already present (no change).
 */
export function addLocalInclude(text: string, includePath: string): TextEdit {
  if (!INCLUDE_PATH.test(includePath) || includePath.includes('..')) {
    throw invalid('includePath', 'must be a repository path ending in .yml or .yaml, without spaces or ..');
  }
  const local = `/${normalize(includePath)}`;
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return appendBlock(text, local); // empty stream: nothing parsed
  const doc = docs[docs.length - 1];
  if (!doc) return appendBlock(text, local);
  if (doc.errors.length > 0) {
    throw invalid(
      'ciFile',
      `is not valid YAML (${doc.errors[0]?.message.split('\n')[0] ?? 'parse error'}); fix it before adding an include`,
    );
  }
  const root = doc.contents;
  if (root === null) return appendBlock(text, local);
  if (!isMap(root) || root.flow) throw invalid('ciFile', 'top level must be a block mapping (key: value lines)');

  const pair = root.items.find((p: Pair) => isScalar(p.key) && p.key.value === 'include');
  if (!pair) return appendBlock(text, local);
  const value = pair.value as Node | null;
  if (includedPaths(value).some((p) => normalize(p) === normalize(local))) return { text, changed: false };

  const keyNode = pair.key as Node;
  const keyIndent = (keyNode.range?.[0] ?? 0) - lineStart(text, keyNode.range?.[0] ?? 0);
  const itemIndent = ' '.repeat(keyIndent + 2);

  if (value === null || (isScalar(value) && value.value === null)) {
    // `include:` with nothing after it.
    const at = lineEnd(text, keyNode.range?.[1] ?? 0);
    return insertAt(text, at, `\n${itemIndent}- local: ${local}`);
  }
  if (isScalar(value)) {
    const [start, end] = value.range ?? [0, 0];
    if (text.slice(start, end).includes('\n')) throw invalid('include', 'a multi-line include string is not supported; make it a list');
    // `include: a.yml  # c` -> the string becomes the first list item, comment kept on its line.
    const colonEnd = (keyNode.range?.[1] ?? 0) + 1;
    const eol = lineEnd(text, end);
    const rewritten = `\n${itemIndent}- ${text.slice(start, eol)}\n${itemIndent}- local: ${local}`;
    return { text: text.slice(0, colonEnd) + rewritten + text.slice(eol), changed: true };
  }
  if (isSeq(value) && value.flow) {
    const close = text.lastIndexOf(']', value.range?.[1] ?? 0);
    const entry = `{ local: ${local} }`;
    return insertAt(text, close, value.items.length === 0 ? entry : `, ${entry}`);
  }
  if (isSeq(value)) {
    const first = value.items[0] as Node | undefined;
    const last = value.items[value.items.length - 1] as Node | undefined;
    if (!first?.range || !last?.range) throw invalid('include', 'an empty block list is not supported');
    const dash = text.lastIndexOf('-', first.range[0]);
    const indent = ' '.repeat(dash - lineStart(text, dash));
    // The end of the last item's last line, its trailing comment included.
    const eol = lineEnd(text, Math.max(last.range[1] - 1, first.range[0]));
    return eol < text.length
      ? insertAt(text, eol + 1, `${indent}- local: ${local}\n`)
      : insertAt(text, eol, `\n${indent}- local: ${local}`);
  }
  throw invalid('include', 'an include written as a single mapping is not supported; make it a list');
}

/** No include key yet: a new block at the end of the file (GitLab does not care where). */
function appendBlock(text: string, local: string): TextEdit {
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  const blank = text.trim() === '' ? '' : '\n';
  return { text: `${text}${separator}${blank}include:\n  - local: ${local}\n`, changed: true };
}
