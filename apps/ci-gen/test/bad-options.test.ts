import { describe, expect, it } from 'vitest';
import { generate, ValidationError, type GenerateInput } from '../src/index.js';

const kestra = { kestraVersion: '1.0.4', host: 'https://kestra.example.com', namespaces: ['prod'] };

// [case, input, field named in the error, rule fragment]
const CASES: [string, GenerateInput, string, RegExp][] = [
  [
    'unpinned Kestra version',
    { preset: 'kestra', options: { ...kestra, kestraVersion: 'latest' } },
    'kestraVersion',
    /not a pinned version.*Kestra 2\.0 removed/,
  ],
  ['major-only Kestra version', { preset: 'kestra', options: { ...kestra, kestraVersion: '1' } }, 'kestraVersion', /pinned/],
  ['image with latest', { preset: 'kestra', options: { ...kestra, image: 'kestra/kestra:latest' } }, 'image', /latest/],
  ['image without tag', { preset: 'kestra', options: { ...kestra, image: 'kestra/kestra' } }, 'image', /no tag means latest/],
  ['image with a moving named tag', { preset: 'kestra', options: { ...kestra, image: 'kestra/kestra:develop' } }, 'image', /not a version/],
  ['kestractl image for 1.x', { preset: 'kestra', options: { ...kestra, image: 'kestra/kestractl:1.0.0' } }, 'image', /kestractl/],
  ['empty namespace', { preset: 'kestra', options: { ...kestra, namespaces: [''] } }, 'namespaces[0]', /must not be empty/],
  ['no namespace', { preset: 'kestra', options: { ...kestra, namespaces: [] } }, 'namespaces', /at least one/],
  ['namespace Kestra refuses', { preset: 'kestra', options: { ...kestra, namespaces: ['Company Team'] } }, 'namespaces[0]', /\^\[a-z0-9\]/],
  ['duplicate namespace', { preset: 'kestra', options: { ...kestra, namespaces: ['a', 'a'] } }, 'namespaces[1]', /twice/],
  ['empty host', { preset: 'kestra', options: { ...kestra, host: '' } }, 'host', /must not be empty/],
  ['host that is not a URL', { preset: 'kestra', options: { ...kestra, host: 'kestra.example.com' } }, 'host', /http/],
  ['bad tenant', { preset: 'kestra', options: { ...kestra, tenant: 'Main!' } }, 'tenant', /\^\[a-z0-9\]/],
  ['--local with kestractl', { preset: 'kestra', options: { ...kestra, kestraVersion: '2.0.0', local: true } }, 'local', /kestractl/],
  ['unknown auth', { preset: 'kestra', options: { ...kestra, auth: 'oauth' as 'basic' } }, 'auth', /api-token/],
  [
    'kestraCli with shell characters',
    { preset: 'kestra', options: { ...kestra, kestraCli: '/app/kestra; curl x' } },
    'kestraCli',
    /letters/,
  ],
  ['unknown deployOn', { preset: 'kestra', options: { ...kestra, deployOn: 'any' as 'protected' } }, 'deployOn', /default-branch/],
  ['flux without paths', { preset: 'flux', options: { paths: [] } }, 'paths', /at least one/],
  ['flux path escaping the repo', { preset: 'flux', options: { paths: ['../other'] } }, 'paths[0]', /without spaces or \.\./],
  [
    'flux unpinned kubeconform',
    { preset: 'flux', options: { paths: ['x'], kubeconformImage: 'ghcr.io/yannh/kubeconform' } },
    'kubeconformImage',
    /pinned/,
  ],
  [
    'flux version not a release',
    { preset: 'flux', options: { paths: ['x'], fluxVersion: 'latest' } },
    'fluxVersion',
    /major\.minor\.patch/,
  ],
  ['registry-pull latest', { preset: 'registry-pull', options: { image: '$CI_REGISTRY_IMAGE:latest' } }, 'image', /latest/],
  ['registry-pull shell characters', { preset: 'registry-pull', options: { image: 'a/b:1.0"; rm -rf /' } }, 'image', /may hold only/],
  ['unknown preset', { preset: 'helm', options: {} } as unknown as GenerateInput, 'preset', /one of kestra, flux, registry-pull/],
];

describe('bad options are refused before anything is generated', () => {
  it.each(CASES)('%s', (_name, input, field, rule) => {
    let error: unknown;
    try {
      generate(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.code).toBe('VALIDATION');
    expect(v.field).toBe(field);
    expect(v.rule).toMatch(rule);
    expect(v.message.startsWith(`${field}: `)).toBe(true);
  });

  it('accepts a moving image when forced', () => {
    const { yaml } = generate({ preset: 'kestra', options: { ...kestra, image: 'kestra/kestra:latest', force: true } });
    expect(yaml).toContain('kestra/kestra:latest');
  });

  it('accepts a digest-pinned image', () => {
    const image = `kestra/kestra@sha256:${'a'.repeat(64)}`;
    expect(generate({ preset: 'kestra', options: { ...kestra, image } }).yaml).toContain(image);
  });
});
