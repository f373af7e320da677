import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addLocalInclude, lint, writeInclude } from '../src/index.js';

const PATH = '.gitlab/ci/kestra.yml';

/** The edit is an insertion: removing the inserted text gives back the original, byte for byte. */
function expectOnlyInsertion(before: string, after: string, inserted: string): void {
  const at = after.indexOf(inserted);
  expect(at, `inserted text not found in:\n${after}`).toBeGreaterThanOrEqual(0);
  expect(after.slice(0, at) + after.slice(at + inserted.length)).toBe(before);
}

const BODY = `# Build the app.  Owned by the platform team.
stages: [build, test]   # order matters

variables:
  NODE_VERSION: "20"    # keep in sync with .nvmrc

build:
  stage: build
  script:
    - npm ci
    - npm run build
`;

describe('addLocalInclude', () => {
  it('adds an include block at the end when there is none, keeping the rest byte-identical', async () => {
    const { text, changed } = addLocalInclude(BODY, PATH);
    expect(changed).toBe(true);
    expectOnlyInsertion(BODY, text, '\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n');
    expect(parse(text).include).toEqual([{ local: '/.gitlab/ci/kestra.yml' }]);
    expect((await lint(text)).valid).toBe(true);
  });

  it('adds a newline first when the file does not end with one', () => {
    const before = 'job:\n  script: [echo]';
    const { text } = addLocalInclude(before, PATH);
    expect(text).toBe(`${before}\n\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n`);
  });

  it('turns an include string into a list, keeping the string and its comment', () => {
    const before = `include: templates/base.yml   # shared\n${BODY}`;
    const { text } = addLocalInclude(before, PATH);
    expect(text).toBe(`include:\n  - templates/base.yml   # shared\n  - local: /.gitlab/ci/kestra.yml\n${BODY}`);
    expect(parse(text).include).toEqual(['templates/base.yml', { local: '/.gitlab/ci/kestra.yml' }]);
  });

  it('appends to a block list after its last item, in the list own indentation', () => {
    const before = `include:\n- project: group/ci\n  file: /base.yml   # pinned below\n  ref: v1.2.0\n- local: /other.yml\n\n${BODY}`;
    const { text } = addLocalInclude(before, PATH);
    expectOnlyInsertion(before, text, '- local: /.gitlab/ci/kestra.yml\n');
    expect(text.indexOf('/.gitlab/ci/kestra.yml')).toBeGreaterThan(text.indexOf('/other.yml'));
    expect(parse(text).include).toHaveLength(3);
  });

  it('appends after a multi-line last item and its comment', () => {
    const before = `${BODY}\ninclude:\n    - local: /a.yml\n    - project: group/ci\n      file: /b.yml # b\n`;
    const { text } = addLocalInclude(before, PATH);
    expectOnlyInsertion(before, text, '    - local: /.gitlab/ci/kestra.yml\n');
    expect(parse(text).include.at(-1)).toEqual({ local: '/.gitlab/ci/kestra.yml' });
  });

  it('appends to a flow list', () => {
    const before = `include: [ /a.yml, /b.yml ]\n${BODY}`;
    const { text } = addLocalInclude(before, PATH);
    expectOnlyInsertion(before, text, ', { local: /.gitlab/ci/kestra.yml }');
    expect(parse(text).include).toEqual(['/a.yml', '/b.yml', { local: '/.gitlab/ci/kestra.yml' }]);
  });

  it('changes nothing when the file is already included, in any spelling', () => {
    for (const before of [
      `include:\n  - local: /.gitlab/ci/kestra.yml\n${BODY}`,
      `include: .gitlab/ci/kestra.yml\n${BODY}`,
      `include:\n  - '/.gitlab/ci/kestra.yml'\n`,
    ]) {
      expect(addLocalInclude(before, PATH)).toEqual({ text: before, changed: false });
    }
  });

  it('puts the include into the pipeline document after a spec header', () => {
    const before = `spec:\n  inputs:\n    stage:\n      default: test\n---\n${BODY}`;
    const { text } = addLocalInclude(before, PATH);
    expectOnlyInsertion(before, text, '\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n');
  });

  it('refuses a path outside the repository and a file that is not a mapping, naming the field', () => {
    expect(() => addLocalInclude(BODY, '../evil.yml')).toThrow(/includePath/);
    expect(() => addLocalInclude('- a\n- b\n', PATH)).toThrow(/ciFile: top level must be a block mapping/);
    expect(() => addLocalInclude('a: [\n', PATH)).toThrow(/ciFile: is not valid YAML/);
  });
});

describe('writeInclude', () => {
  it('writes the preset file and edits .gitlab-ci.yml; a second run changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ci-gen-include-'));
    try {
      const ciFilePath = join(dir, '.gitlab-ci.yml');
      await writeFile(ciFilePath, BODY);
      const first = await writeInclude({ ciFilePath, includePath: PATH, content: 'stages: [validate]\n' });
      expect(first).toEqual({ includeFile: join(dir, PATH), ciFileChanged: true, ciFileCreated: false });
      expect(await readFile(join(dir, PATH), 'utf8')).toBe('stages: [validate]\n');
      const afterFirst = await readFile(ciFilePath, 'utf8');
      expectOnlyInsertion(BODY, afterFirst, '\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n');
      const second = await writeInclude({ ciFilePath, includePath: PATH, content: 'stages: [validate]\n' });
      expect(second.ciFileChanged).toBe(false);
      expect(await readFile(ciFilePath, 'utf8')).toBe(afterFirst);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('creates .gitlab-ci.yml when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ci-gen-include-'));
    try {
      const ciFilePath = join(dir, '.gitlab-ci.yml');
      const result = await writeInclude({ ciFilePath, includePath: PATH, content: 'x: 1\n' });
      expect(result.ciFileCreated).toBe(true);
      expect(await readFile(ciFilePath, 'utf8')).toBe('include:\n  - local: /.gitlab/ci/kestra.yml\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
