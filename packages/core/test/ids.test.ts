import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError, encodeId, parseGitlabRef } from '../src/index.js';

describe('encodeId', () => {
  it.each([
    [42, '42'],
    ['42', '42'],
    ['group/project', 'group%2Fproject'],
    ['group/sub/deeper/project', 'group%2Fsub%2Fdeeper%2Fproject'],
    ['my.group/my-project_1', 'my.group%2Fmy-project_1'],
    ['_under/.dot', '_under%2F.dot'],
  ])('should encode %j as %s', (input, expected) => {
    expect(encodeId(input)).toBe(expected);
  });

  it('should reduce a pasted project URL on the configured host to its path', () => {
    const baseUrl = 'https://gitlab.example.com';
    expect(encodeId('https://gitlab.example.com/platform/apps/web', { baseUrl })).toBe('platform%2Fapps%2Fweb');
    expect(encodeId('https://gitlab.example.com/platform/apps/web/-/tree/main', { baseUrl })).toBe('platform%2Fapps%2Fweb');
    expect(encodeId('https://gitlab.example.com/platform/web.git', { baseUrl })).toBe('platform%2Fweb');
    expect(encodeId('https://example.com/gitlab/team/app', { baseUrl: 'https://example.com/gitlab' })).toBe('team%2Fapp');
  });

  it('should refuse a URL on another host', () => {
    expect(() => encodeId('https://evil.example/platform/web', { baseUrl: 'https://gitlab.example.com' })).toThrow(/not the GitLab host/);
  });
});

describe('parseGitlabRef reads every URL GitLab shows for a project or group', () => {
  const baseUrl = 'https://gitlab.example.com';
  it.each([
    ['git@gitlab.example.com:platform/apps/web.git', 'project', 'platform/apps/web'],
    ['ssh://git@gitlab.example.com:2222/platform/apps/web.git', 'project', 'platform/apps/web'],
    ['https://gitlab.example.com/platform/apps/web.git', 'project', 'platform/apps/web'],
    ['https://gitlab.example.com/platform/apps/web/-/settings/repository', 'project', 'platform/apps/web'],
    ['https://gitlab.example.com/groups/platform/apps', 'group', 'platform/apps'],
    ['https://gitlab.example.com/groups/platform/apps/-/settings/repository', 'group', 'platform/apps'],
    ['https://gitlab.example.com/platform/apps', 'group', 'platform/apps'],
  ] as const)('should read %s as the %s %s', (input, kind, path) => {
    expect(parseGitlabRef(input, { baseUrl, kind })).toEqual({ kind: 'path', path });
  });

  it.each([
    ['https://gitlab.example.com/groups/platform/apps', 'project', 'a project, not a group'],
    ['git@gitlab.example.com:platform/apps/web.git', 'group', 'a group, not a project'],
    ['git@elsewhere.example:platform/apps/web.git', 'project', 'URL on the configured host'],
    ['web', 'project', 'project path with its namespace'],
  ] as const)('should refuse %s as a %s (%s)', (input, kind, rule) => {
    expect(() => parseGitlabRef(input, { baseUrl, kind, field: '--x' })).toThrow(expect.objectContaining({ rule, field: '--x' }));
  });

  it('should escape control characters in what it quotes', () => {
    expect(() => parseGitlabRef('a/b\nError: forged', { field: '--project' })).toThrow(/"a\/b\\nError: forged"/);
  });
});

describe('parseGitlabRef refuses bad references, naming the rule', () => {
  it.each([
    ['', 'not empty'],
    ['   ', 'not empty'],
    [' group/app', 'no whitespace'],
    ['group /app', 'no whitespace'],
    ['group/app\n', 'no whitespace'],
    ['/group/app', 'no leading or trailing "/"'],
    ['group/app/', 'no leading or trailing "/"'],
    ['group//app', 'no empty segment'],
    ['group/../app', 'no "." or ".." segment'],
    ['./app', 'no "." or ".." segment'],
    ['group/ap p', 'no whitespace'],
    ['group/-app', 'path characters'],
    ['gr@up/app', 'path characters'],
    ['group/app$', 'path characters'],
    ['group/app.git', 'no ".git" or ".atom" ending'],
    ['group/app.atom', 'no ".git" or ".atom" ending'],
    ['group./app', 'namespace not ending in "."'],
    ['group%2Fapp', 'not pre-encoded'],
    ['0', 'positive integer ID'],
    ['-5', 'positive integer ID'],
    ['99999999999999999999', 'positive integer ID'],
    ['ftp://gitlab.example.com/group/app', 'http(s) or ssh URL'],
    ['1.5', 'positive integer ID or full path'],
    ['1e3', 'positive integer ID or full path'],
    ['0x10', 'positive integer ID or full path'],
    ['group/app\r', 'no whitespace'],
    ['group/a\u0000pp', 'no control characters'],
    ['https://gitlab.example.com/', 'URL with a path'],
    ['grüppe/app', 'path characters'],
  ])('should refuse %j (%s)', (input, rule) => {
    const attempt = () => parseGitlabRef(input, { field: '--project' });
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).rule).toBe(rule);
      expect((error as ValidationError).field).toBe('--project');
      expect((error as ValidationError).message).toMatch(/^--project/);
    }
  });

  it('should refuse non-integer and non-positive numbers', () => {
    expect(() => parseGitlabRef(1.5)).toThrow(ValidationError);
    expect(() => parseGitlabRef(0)).toThrow(ValidationError);
    expect(() => parseGitlabRef(Number.NaN)).toThrow(ValidationError);
  });
});

const segmentArb = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('')),
    fc.string({ unit: fc.constantFrom(...'abcxyzABC0189_.-'.split('')), maxLength: 20 }),
  )
  .map(([first, rest]) => first + rest)
  .filter((segment) => !/\.(git|atom)$/i.test(segment) && !segment.endsWith('.'));

describe('encodeId properties', () => {
  it('should only ever escape "/" and round-trip through decodeURIComponent', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 6 }), (segments) => {
        const path = segments.join('/');
        fc.pre(!/^-?\d+$/.test(path));
        const encoded = encodeId(path);
        expect(encoded).not.toContain('/');
        expect(encoded.replaceAll('%2F', '/')).toBe(path);
        expect(decodeURIComponent(encoded)).toBe(path);
        expect(encoded.split('%2F')).toHaveLength(segments.length);
      }),
    );
  });

  it('should treat every all-digit string as the same ID as its number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        expect(encodeId(String(id))).toBe(encodeId(id));
      }),
    );
  });

  it('should never accept a string containing whitespace, "//" or a ".." segment', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', '//', '/../', '\t'), (segments, bad) => {
        const path = segments.join('/') + bad + 'x';
        expect(() => parseGitlabRef(path)).toThrow(ValidationError);
      }),
    );
  });
});
