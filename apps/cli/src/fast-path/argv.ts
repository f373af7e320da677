/**
 * A strict parser for the fast path's few flag shapes. It never reports an error: anything it
 * does not accept exactly as oclif would (help, `--`, short flags, unknown or repeated flags,
 * missing values, broken relationships, a missing file) returns undefined, and the launcher
 * hands the command line to oclif, which gives its usual answer. A test checks that whatever
 * this accepts, oclif's parser accepts with the same result (test/fast-path-argv.test.ts).
 */
import { statSync } from 'node:fs';

export interface FastFlag {
  type: 'boolean' | 'option';
  aliases?: readonly string[];
  /** oclif's `Flags.file({ exists: true })`: the path must be an existing file. */
  existingFile?: boolean;
}

export interface FastSpec {
  flags: Readonly<Record<string, FastFlag>>;
  /** Required positional arguments, in order. */
  args: readonly string[];
  /** Flags of which exactly one must be given (oclif's `exactlyOne`). */
  exactlyOne?: readonly string[];
  /** Flags that must be given (oclif's `required`). */
  required?: readonly string[];
}

export interface FastInput {
  flags: Record<string, string | boolean>;
  args: Record<string, string>;
}

export function parseFastArgv(spec: FastSpec, argv: readonly string[]): FastInput | undefined {
  const byName = new Map<string, string>();
  for (const [name, flag] of Object.entries(spec.flags)) {
    byName.set(name, name);
    for (const alias of flag.aliases ?? []) byName.set(alias, name);
  }
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i]!;
    if (!token.startsWith('-')) {
      positional.push(token);
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(token);
    if (!match) return undefined;
    const name = byName.get(match[1]!);
    if (name === undefined || name in flags) return undefined;
    const flag = spec.flags[name]!;
    if (flag.type === 'boolean') {
      if (match[2] !== undefined) return undefined;
      flags[name] = true;
      continue;
    }
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (flag.existingFile && !isFile(value)) return undefined;
    flags[name] = value;
  }
  if (positional.length !== spec.args.length) return undefined;
  if (spec.exactlyOne && spec.exactlyOne.filter((name) => name in flags).length !== 1) return undefined;
  if (spec.required?.some((name) => !(name in flags))) return undefined;
  return { flags, args: Object.fromEntries(spec.args.map((name, i) => [name, positional[i]!])) };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
