/**
 * The fast path's parser against oclif's own: its specs must mirror the oclif commands, and
 * whatever it accepts, oclif's parser must accept with the same flags and args. Declining is
 * always safe (oclif then runs), so the property only binds what the fast path accepts. The
 * command lines are every sequence of up to 3 tokens from an alphabet of tricky ones, plus
 * 3,000 seeded random longer ones.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { parse } from '@oclif/core/parser';
import { afterAll, describe, expect, it } from 'vitest';
import KeyGet from '../src/commands/key/get.js';
import KeyList from '../src/commands/key/list.js';
import TokenGet from '../src/commands/token/get.js';
import TokenList from '../src/commands/token/list.js';
import { parseFastArgv } from '../src/fast-path/argv.js';
import { FAST_COMMANDS } from '../src/fast-path/commands.js';

const COMMANDS = { 'token list': TokenList, 'token get': TokenGet, 'key list': KeyList, 'key get': KeyGet } as const;

const dir = mkdtempSync(join(tmpdir(), 'glkeys-fast-argv-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, 'not checked by the parser');
mkdirSync(join(dir, 'a-directory'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type OclifFlag = Record<string, unknown> & { type: 'boolean' | 'option' };
// What GlkeysCommand's `enableJsonFlag = true` adds to every command's flags.
const flagsOf = (command: (typeof COMMANDS)[keyof typeof COMMANDS]) => ({
  ...(command.flags as Record<string, OclifFlag>),
  json: Flags.boolean() as unknown as OclifFlag,
});

it('covers exactly the four read commands', () => {
  expect(Object.keys(FAST_COMMANDS).sort()).toEqual(Object.keys(COMMANDS).sort());
});

describe.each(Object.entries(COMMANDS))('%s', (id, command) => {
  const spec = FAST_COMMANDS[id]!;
  const oclifFlags = flagsOf(command);

  it('mirrors the oclif command: flag names, types, aliases, files, relationships, args', () => {
    expect(Object.keys(spec.flags).sort()).toEqual(Object.keys(oclifFlags).sort());
    for (const [name, flag] of Object.entries(oclifFlags)) {
      const fast = spec.flags[name]!;
      expect(fast.type, name).toBe(flag.type);
      expect([...(fast.aliases ?? [])], name).toEqual(flag['aliases'] ?? []);
      expect(fast.existingFile === true, name).toBe(flag['exists'] === true);
      // Things the fast path does not implement must not exist on these commands.
      for (const unsupported of [
        'char',
        'charAliases',
        'env',
        'default',
        'dependsOn',
        'exclusive',
        'relationships',
        'allowStdin',
        'options',
      ]) {
        expect(flag[unsupported], `${name}.${unsupported}`).toBeUndefined();
      }
      expect(flag['multiple'] ?? false, name).toBe(false);
      expect(flag['allowNo'] ?? false, name).toBe(false);
      expect(flag['required'] === true, name).toBe(spec.required?.includes(name) === true);
      const exactlyOne = flag['exactlyOne'] as string[] | undefined;
      if (exactlyOne) expect([...exactlyOne].sort(), name).toEqual([...(spec.exactlyOne ?? [])].sort());
      else expect(spec.exactlyOne?.includes(name) ?? false, name).toBe(false);
    }
    const args = (command.args ?? {}) as Record<string, { required?: boolean }>;
    expect([...spec.args]).toEqual(Object.keys(args));
    for (const arg of Object.values(args)) expect(arg.required).toBe(true);
  });

  it('accepts only what oclif accepts, with the same result', async () => {
    const alphabet = [
      '--project',
      '--group',
      '--active',
      '--json',
      '--hostname',
      '--host',
      '--ca-file',
      '--help',
      '-h',
      '--',
      '--nope',
      '--no-json',
      '--project=platform/web',
      '--project=',
      '--json=true',
      `--ca-file=${caFile}`,
      `--ca-file=${join(dir, 'missing.pem')}`,
      `--ca-file=${join(dir, 'a-directory')}`,
      caFile,
      'platform/apps/web',
      '42',
      '-1',
      '',
      'https://gitlab.example.com/a/b',
      'a b',
    ];
    const lines: string[][] = [[]];
    for (const a of alphabet) {
      lines.push([a]);
      for (const b of alphabet) {
        lines.push([a, b]);
        for (const c of alphabet) lines.push([a, b, c]);
      }
    }
    let seed = 20261123;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i += 1)
      lines.push(Array.from({ length: 4 + Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * alphabet.length)]!));

    let accepted = 0;
    for (const argv of lines) {
      const fast = parseFastArgv(spec, argv);
      if (!fast) continue;
      accepted += 1;
      const oclif = await parse(argv, {
        flags: oclifFlags as never,
        args: command.args as never,
        strict: true,
        context: {} as never,
      }).catch((e: unknown) => e);
      expect(oclif, JSON.stringify(argv)).not.toBeInstanceOf(Error);
      const { flags, args } = oclif as { flags: Record<string, unknown>; args: Record<string, unknown> };
      const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
      expect(fast.flags, JSON.stringify(argv)).toEqual(given);
      expect(fast.args, JSON.stringify(argv)).toEqual(Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)));
    }
    // A parser that declined everything would pass the loop; it must take the plain lines.
    expect(accepted).toBeGreaterThan(50);
  });
});

it('takes the plain command lines people type', () => {
  const list = FAST_COMMANDS['token list']!;
  expect(parseFastArgv(list, ['--project', 'platform/apps/web', '--json'])).toEqual({
    flags: { project: 'platform/apps/web', json: true },
    args: {},
  });
  expect(parseFastArgv(list, ['--group=platform', '--active', '--host', 'https://gitlab.example.com'])).toEqual({
    flags: { group: 'platform', active: true, hostname: 'https://gitlab.example.com' },
    args: {},
  });
  expect(parseFastArgv(FAST_COMMANDS['key get']!, ['7', '--project', '42', `--ca-file=${caFile}`])).toEqual({
    flags: { project: '42', 'ca-file': caFile },
    args: { id: '7' },
  });
  // Declined: oclif answers these (help, usage errors).
  for (const argv of [
    ['--project', 'a', '--help'],
    ['--project', 'a', '--group', 'b'],
    [],
    ['--project', 'a', '--project', 'b'],
    ['--project', 'a', '--host', 'x', '--hostname', 'y'],
  ]) {
    expect(parseFastArgv(list, argv), JSON.stringify(argv)).toBeUndefined();
  }
});
