/**
 * The commands the fast path runs: read-only ones people and scripts call in loops. Their
 * specs mirror the oclif commands' flags (test/fast-path-argv.test.ts compares them), and
 * their bodies are the same functions the oclif commands call (src/reads).
 */
import type { ReadIo } from '../reads/io.js';
import type { FastFlag, FastInput, FastSpec } from './argv.js';

export interface FastCommand extends FastSpec {
  run(input: FastInput, io: ReadIo): Promise<unknown>;
}

const host: Record<string, FastFlag> = {
  hostname: { type: 'option', aliases: ['host'] },
  'ca-file': { type: 'option', existingFile: true },
  json: { type: 'boolean' },
};

const target: Record<string, FastFlag> = { project: { type: 'option' }, group: { type: 'option' } };

export const FAST_COMMANDS: Readonly<Record<string, FastCommand>> = {
  'token list': {
    flags: { ...target, active: { type: 'boolean' }, ...host },
    args: [],
    exactlyOne: ['project', 'group'],
    run: async ({ flags }, io) => (await import('../reads/tokens.js')).tokenList(flags, io),
  },
  'token get': {
    flags: { ...target, ...host },
    args: ['id'],
    exactlyOne: ['project', 'group'],
    run: async ({ flags, args }, io) => (await import('../reads/tokens.js')).tokenGet(flags, args as { id: string }, io),
  },
  'key list': {
    flags: { project: { type: 'option' }, ...host },
    args: [],
    required: ['project'],
    run: async ({ flags }, io) => (await import('../reads/keys.js')).keyList(flags as { project: string }, io),
  },
  'key get': {
    flags: { project: { type: 'option' }, ...host },
    args: ['id'],
    required: ['project'],
    run: async ({ flags, args }, io) => (await import('../reads/keys.js')).keyGet(flags as { project: string }, args as { id: string }, io),
  },
};
