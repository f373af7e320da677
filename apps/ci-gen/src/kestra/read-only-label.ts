import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative as relativePath } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Pair } from 'yaml';
import { invalid, ValidationError } from '../model/errors.js';

export interface LabelEdit {
  text: string;
  changed: boolean;
}

const LABEL = 'system.readOnly';

/**
 * Adds `labels: system.readOnly: true` to a Kestra flow that lacks it, as Kestra advises for
 * CI-managed flows (the UI editor is then disabled). Uses yaml's Document API, so comments and
 * the rest of the flow are kept. Labels written as a list of {key, value} get a list entry.
 */
export function ensureReadOnlyLabel(flowYamlText: string): LabelEdit {
  const doc = parseDocument(flowYamlText);
  if (doc.errors.length > 0) throw invalid('flow', `is not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  const root = doc.contents;
  if (!isMap(root) || !root.has('id') || !root.has('namespace')) {
    throw invalid('flow', 'is not a Kestra flow (a mapping with id and namespace)');
  }
  const labels = root.get('labels', true);
  if (labels === undefined) {
    // The usual case: a textual insertion after the namespace line keeps the file byte-identical.
    const ns = root.items.find((p) => isScalar(p.key) && p.key.value === 'namespace');
    const end = isScalar(ns?.value) ? ns.value.range?.[1] : undefined;
    if (end !== undefined && ns && isScalar(ns.key) && (ns.key.range?.[0] ?? -1) === flowYamlText.lastIndexOf('\n', end - 1) + 1) {
      const eol = flowYamlText.indexOf('\n', end);
      const at = eol === -1 ? flowYamlText.length : eol + 1;
      const lead = eol === -1 ? '\n' : '';
      return { text: `${flowYamlText.slice(0, at)}${lead}labels:\n  ${LABEL}: true\n${flowYamlText.slice(at)}`, changed: true };
    }
  }
  if (labels === undefined || (isScalar(labels) && labels.value === null)) {
    const node = doc.createNode({ [LABEL]: true });
    // Put labels right after namespace, where Kestra's own examples keep them.
    const at = root.items.findIndex((p: Pair) => isScalar(p.key) && p.key.value === 'namespace');
    const pair = doc.createPair('labels', node);
    if (labels !== undefined) root.delete('labels');
    (root.items as Pair[]).splice(at + 1, 0, pair);
  } else if (isMap(labels)) {
    const current = labels.get(LABEL);
    if (current === true || current === 'true') return { text: flowYamlText, changed: false };
    labels.set(LABEL, true);
  } else if (isSeq(labels)) {
    const entry = labels.items.find((item) => isMap(item) && item.get('key') === LABEL);
    if (isMap(entry)) {
      const value = entry.get('value');
      if (value === true || value === 'true') return { text: flowYamlText, changed: false };
      entry.set('value', 'true');
    } else {
      labels.add(doc.createNode({ key: LABEL, value: 'true' }));
    }
  } else {
    throw invalid('flow.labels', 'must be a mapping or a list of {key, value}');
  }
  return { text: doc.toString({ lineWidth: 0 }), changed: true };
}

export interface DirectoryLabelResult {
  /** Files (relative to the directory) that were changed. */
  changed: string[];
  /** Files already carrying the label. */
  unchanged: string[];
}

/** Applies ensureReadOnlyLabel to every `.yml`/`.yaml` flow under `dir`, recursively. */
export async function ensureReadOnlyLabelInDirectory(dir: string, options: { dryRun?: boolean } = {}): Promise<DirectoryLabelResult> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
  const result: DirectoryLabelResult = { changed: [], unchanged: [] };
  for (const file of files) {
    const relative = relativePath(dir, file);
    const text = await readFile(file, 'utf8');
    let edit: LabelEdit;
    try {
      edit = ensureReadOnlyLabel(text);
    } catch (error) {
      if (error instanceof ValidationError) throw invalid(`flow ${relative}`, error.rule);
      throw error;
    }
    if (edit.changed) {
      if (!options.dryRun) await writeFile(file, edit.text);
      result.changed.push(relative);
    } else {
      result.unchanged.push(relative);
    }
  }
  return result;
}
