/**
 * The fast path: the launcher (bin/run.js) offers every command line here first. For the
 * read-only commands in commands.ts it parses, runs and prints exactly as the oclif command
 * would, without loading oclif (~100 ms of a ~250 ms start on our machine, bench/README.md).
 * Anything else, or anything unusual about the invocation, returns false and oclif runs.
 * GLKEYS_FAST_PATH=0 turns it off.
 */
import { errorLines, reportError } from '../lib/errors.js';
import { withFlagNames } from '../lib/field-flags.js';
import { parseFastArgv } from './argv.js';
import { FAST_COMMANDS } from './commands.js';

export interface FastPathEnvironment {
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal: oclif may colour JSON there (user themes), so oclif prints it. */
  stdoutIsTTY: boolean;
}

/** Runs the command and returns true, or returns false without side effects for oclif to run it. */
export async function runFastPath(
  argv: readonly string[],
  environment: FastPathEnvironment = { env: process.env, stdoutIsTTY: process.stdout.isTTY === true },
): Promise<boolean> {
  if (!eligible(environment)) return false;
  const command = FAST_COMMANDS[`${argv[0]} ${argv[1]}`];
  if (!command) return false;
  const input = parseFastArgv(command, argv.slice(2));
  if (!input) return false;
  const json = input.flags['json'] === true;
  if (json && (environment.stdoutIsTTY || environment.env['FORCE_COLOR'] !== undefined)) return false;

  // What GlkeysCommand does around run(): human lines unless --json, the result as JSON,
  // and errors through the same report with the same exit codes.
  const io = { say: (line: string) => (json ? undefined : void process.stdout.write(`${line}\n`)) };
  try {
    const result = await command.run(input, io);
    if (json && result) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    const report = withFlagNames(reportError(error), {}, Object.keys(command.flags));
    process.exitCode = report.exitCode;
    if (json) process.stdout.write(`${JSON.stringify({ error: report }, null, 2)}\n`);
    else process.stderr.write(errorLines(report));
  }
  return true;
}

/**
 * Settings oclif reads from the environment as GLKEYS_<NAME> (its "scoped" variables: JSON
 * output, debug, config and theme directories). test/fast-path.test.ts checks this list
 * against the names oclif's own code asks for, so an oclif upgrade cannot slip one past.
 */
export const OCLIF_SCOPED_SETTINGS = [
  'BINPATH',
  'CACHE_DIR',
  'CONFIG_DIR',
  'CONTENT_TYPE',
  'DATA_DIR',
  'DEBUG',
  'DISABLE_THEME',
  'NPM_REGISTRY',
  'REDIRECTED',
];

/** When the environment changes how oclif behaves (debug output, scoped settings, OCLIF_* switches), oclif runs. */
function eligible({ env }: FastPathEnvironment): boolean {
  if (env['GLKEYS_FAST_PATH'] === '0' || env['DEBUG'] !== undefined || env['CLI_FLAGS_DEBUG'] !== undefined) return false;
  if (OCLIF_SCOPED_SETTINGS.some((name) => env[`GLKEYS_${name}`] !== undefined)) return false;
  return !Object.keys(env).some((name) => name.startsWith('OCLIF_'));
}
