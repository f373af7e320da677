import { describe, expect, it } from 'vitest';
import { generate, type GenerateInput, type KestraPresetOptions } from '../src/index.js';

const base: KestraPresetOptions = { kestraVersion: '2.0.2', host: 'https://kestra.example.com', namespaces: ['prod'] };
const kestra = (options: Partial<KestraPresetOptions>) => generate({ preset: 'kestra', options: { ...base, ...options } });
const scriptOf = (options: Partial<KestraPresetOptions>) => kestra(options).pipeline.jobs['kestra-validate']!.script;

describe('kestra preset', () => {
  it.each([
    ['2.0.2', 'kestra/kestractl:2.0.2'],
    ['v2.1', 'kestra/kestractl:2.1'],
    ['2.3.0', 'kestra/kestractl:2.3.0'],
    ['1.0.4', 'kestra/kestra:v1.0.4'],
  ])('runs version %s in %s', (kestraVersion, image) => {
    expect(kestra({ kestraVersion }).pipeline.default?.image).toEqual({ name: image, entrypoint: [''] });
  });

  it('validates every namespace folder outside the flows dir before deploying it, and each folder once', () => {
    expect(scriptOf({ namespaces: ['prod', { namespace: 'data', dir: './flows/data' }] })).toEqual([
      'kestractl flows validate ./kestra/flows',
      'kestractl flows validate ./flows/data',
    ]);
    expect(
      scriptOf({
        namespaces: [
          { namespace: 'a', dir: 'kestra/flows/x' },
          { namespace: 'b', dir: './other' },
          { namespace: 'c', dir: 'other/c' },
        ],
      }),
    ).toEqual(['kestractl flows validate ./kestra/flows', 'kestractl flows validate ./other']);
    expect(scriptOf({ kestraVersion: '1.0.4', local: true, namespaces: [{ namespace: 'a', dir: 'elsewhere' }] })).toEqual([
      '/app/kestra flow validate ./kestra/flows --local',
      '/app/kestra flow validate elsewhere --local',
    ]);
  });

  it.each([
    [{ flowsDir: '../x' }, /flowsDir: "\.\.\/x" is outside the repository/],
    [{ flowsDir: '/srv/flows' }, /flowsDir: "\/srv\/flows" is outside the repository/],
    [{ flowsDir: 'a/../../x' }, /flowsDir: .* is outside the repository/],
    [{ namespaces: [{ namespace: 'prod', dir: '../prod' }] }, /namespaces\[0\]\.dir: "\.\.\/prod" is outside the repository/],
    [{ runnerTags: [''] }, /runnerTags\[0\]: a runner tag must not be empty/],
    [{ runnerTags: ['ok', '  '] }, /runnerTags\[1\]: a runner tag must not be empty/],
  ])('refuses %j naming the option', (options, message) => {
    expect(() => kestra(options as Partial<KestraPresetOptions>)).toThrow(message);
  });

  it('refuses an empty runner tag for every preset', () => {
    const inputs: GenerateInput[] = [
      { preset: 'flux', options: { paths: ['./clusters/a'], runnerTags: [''] } },
      { preset: 'registry-pull', options: { image: 'registry.example.com/a:1.0.0', runnerTags: [''] } },
    ];
    for (const input of inputs) expect(() => generate(input)).toThrow(/runnerTags\[0\]: a runner tag must not be empty/);
  });
});
