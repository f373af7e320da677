import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureReadOnlyLabel, ensureReadOnlyLabelInDirectory } from '../src/index.js';

const FLOW = `# Nightly export, owned by data team
id: nightly
namespace: company.data

tasks:
  - id: hello   # first task
    type: io.kestra.plugin.core.log.Log
    message: hi
`;

describe('ensureReadOnlyLabel', () => {
  it('adds labels with system.readOnly after namespace, keeping comments and the rest', () => {
    const { text, changed } = ensureReadOnlyLabel(FLOW);
    expect(changed).toBe(true);
    expect(text).toBe(FLOW.replace('namespace: company.data\n', 'namespace: company.data\nlabels:\n  system.readOnly: true\n'));
  });

  it('adds the label to existing labels without touching the others', () => {
    const flow = 'id: a\nnamespace: b\nlabels:\n  team: data # owner\ntasks: []\n';
    const { text } = ensureReadOnlyLabel(flow);
    expect(parse(text).labels).toEqual({ team: 'data', 'system.readOnly': true });
    expect(text).toContain('team: data # owner');
  });

  it('adds a {key, value} entry when labels are a list', () => {
    const flow = 'id: a\nnamespace: b\nlabels:\n  - key: team\n    value: data\ntasks: []\n';
    expect(parse(ensureReadOnlyLabel(flow).text).labels).toEqual([
      { key: 'team', value: 'data' },
      { key: 'system.readOnly', value: 'true' },
    ]);
  });

  it('changes nothing when the label is already true', () => {
    for (const flow of [
      'id: a\nnamespace: b\nlabels:\n  system.readOnly: true\n',
      'id: a\nnamespace: b\nlabels:\n  system.readOnly: "true"\n',
      'id: a\nnamespace: b\nlabels:\n  - key: system.readOnly\n    value: "true"\n',
    ]) {
      expect(ensureReadOnlyLabel(flow)).toEqual({ text: flow, changed: false });
    }
  });

  it('sets a false label to true', () => {
    const { text, changed } = ensureReadOnlyLabel('id: a\nnamespace: b\nlabels:\n  system.readOnly: false\n');
    expect(changed).toBe(true);
    expect(parse(text).labels['system.readOnly']).toBe(true);
  });

  it('refuses what is not a flow, naming the rule', () => {
    expect(() => ensureReadOnlyLabel('tasks: []\n')).toThrow(/flow: is not a Kestra flow/);
    expect(() => ensureReadOnlyLabel('id: [\n')).toThrow(/flow: is not valid YAML/);
  });
});

describe('ensureReadOnlyLabelInDirectory', () => {
  it('labels every flow under the directory once; a second run changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ci-gen-flows-'));
    try {
      await mkdir(join(dir, 'team'));
      await writeFile(join(dir, 'a.yml'), 'id: a\nnamespace: x\n');
      await writeFile(join(dir, 'team', 'b.yaml'), 'id: b\nnamespace: x\nlabels:\n  system.readOnly: true\n');
      await writeFile(join(dir, 'README.md'), '# not a flow\n');
      const dry = await ensureReadOnlyLabelInDirectory(dir, { dryRun: true });
      expect(dry).toEqual({ changed: ['a.yml'], unchanged: ['team/b.yaml'] });
      expect(await readFile(join(dir, 'a.yml'), 'utf8')).toBe('id: a\nnamespace: x\n');
      await ensureReadOnlyLabelInDirectory(dir);
      expect(parse(await readFile(join(dir, 'a.yml'), 'utf8')).labels).toEqual({ 'system.readOnly': true });
      expect(await ensureReadOnlyLabelInDirectory(dir)).toEqual({ changed: [], unchanged: ['a.yml', 'team/b.yaml'] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names files relative to the directory also when it is given as "." or with a trailing slash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ci-gen-flows-'));
    const cwd = process.cwd();
    try {
      await writeFile(join(dir, 'x.yml'), 'id: x\nnamespace: y\n');
      process.chdir(dir);
      expect(await ensureReadOnlyLabelInDirectory('.', { dryRun: true })).toEqual({ changed: ['x.yml'], unchanged: [] });
      expect(await ensureReadOnlyLabelInDirectory(`${dir}/`, { dryRun: true })).toEqual({ changed: ['x.yml'], unchanged: [] });
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
