import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addLocalInclude, generate, lint, mergeStageLists, mergeStages, renderInclude, writeInclude } from '../src/index.js';

const PATH = '.gitlab/ci/kestra.yml';
const KESTRA = generate({
  preset: 'kestra',
  options: { kestraVersion: '2.0.2', host: 'https://kestra.example.com', namespaces: ['prod'] },
});

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
      const first = await writeInclude({ ciFilePath, includePath: PATH, pipeline: KESTRA.pipeline });
      expect(first).toEqual({
        includeFile: join(dir, PATH),
        ciFileChanged: true,
        ciFileCreated: false,
        stagesAdded: ['validate', 'deploy'],
      });
      expect(await readFile(join(dir, PATH), 'utf8')).toBe(renderInclude(KESTRA.pipeline));
      const afterFirst = await readFile(ciFilePath, 'utf8');
      expect(afterFirst).toBe(
        `${BODY.replace('stages: [build, test]', 'stages: [build, test, validate, deploy]')}\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n`,
      );
      const second = await writeInclude({ ciFilePath, includePath: PATH, pipeline: KESTRA.pipeline });
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
      const result = await writeInclude({ ciFilePath, includePath: PATH, pipeline: KESTRA.pipeline });
      expect(result.ciFileCreated).toBe(true);
      // GitLab's default stages stay, with the preset's added where they belong.
      expect(await readFile(ciFilePath, 'utf8')).toBe(
        'include:\n  - local: /.gitlab/ci/kestra.yml\n\nstages:\n  - build\n  - test\n  - validate\n  - deploy\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the include form', () => {
  it('sets no stages, workflow, default or global variables; each job carries its image and variables', () => {
    const text = renderInclude(KESTRA.pipeline);
    const data = parse(text) as Record<string, Record<string, unknown>>;
    expect(Object.keys(data).sort()).toEqual(['kestra-deploy-prod', 'kestra-validate']);
    for (const job of Object.values(data)) {
      expect(job).toMatchObject({
        inherit: { default: false },
        image: { name: 'kestra/kestractl:2.0.2', entrypoint: [''] },
        variables: { KESTRA_HOST: 'https://kestra.example.com', KESTRACTL_HOST: '$KESTRA_HOST' },
      });
    }
  });

  it('merges stage lists keeping both orders, and refuses an order the preset cannot run in', () => {
    expect(mergeStageLists(['build', 'test', 'deploy'], ['validate', 'deploy'])).toEqual(['build', 'test', 'validate', 'deploy']);
    expect(mergeStageLists(['build', 'test', 'deploy'], ['build', 'validate'])).toEqual(['build', 'validate', 'test', 'deploy']);
    expect(mergeStageLists(['a', '.post'], ['pull'])).toEqual(['a', 'pull', '.post']);
    expect(() => mergeStageLists(['deploy', 'validate'], ['validate', 'deploy'])).toThrow(/ciFile: its stages list deploy, validate/);
  });

  it('adds stages to a block list line by line, comments kept', () => {
    const before = 'stages:\n  - build   # first\n  - deploy\n\njob:\n  script: [x]\n';
    const edit = mergeStages(before, ['validate', 'deploy'], []);
    expect(edit).toMatchObject({ changed: true, added: ['validate'], stages: ['build', 'validate', 'deploy'] });
    expectOnlyInsertion(before, edit.text, '  - validate\n');
    expect(mergeStages(edit.text, ['validate', 'deploy'], [])).toMatchObject({ changed: false, added: [] });
  });
});
