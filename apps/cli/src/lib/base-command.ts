/**
 * Base of every glkeys command: `--json` (oclif's enableJsonFlag), error reporting with
 * documented exit codes, and output helpers that stay quiet in JSON mode.
 */
import { Command } from '@oclif/core';
import type { Input, ParserOutput } from '@oclif/core/interfaces';

// oclif's FlagOutput / ArgOutput, which it does not export.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = { [name: string]: any };
import { errorLines, reportError } from './errors.js';
import { withFlagNames } from './field-flags.js';
import { FlagError, noEffect, usageFromOclif } from './usage.js';

export abstract class GlkeysCommand<T> extends Command {
  static override enableJsonFlag = true;
  /** Core field names as this command's flags, for error reports (see field-flags.ts). */
  static fieldFlags: Record<string, string> = {};

  abstract override run(): Promise<T>;

  /** Human output on stdout, skipped with --json. */
  protected say(line = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(`${line}\n`);
  }

  /** Progress and notes on stderr, skipped with --json. */
  protected note(line: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${line}\n`);
  }

  override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const command = this.constructor as typeof GlkeysCommand;
    const report = withFlagNames(reportError(error), command.fieldFlags, Object.keys(command.flags ?? {}));
    process.exitCode = report.exitCode;
    if (this.jsonEnabled()) {
      this.logJson({ error: report });
      return;
    }
    process.stderr.write(errorLines(report));
  }

  /**
   * Everything oclif refuses while parsing is a usage error (exit 2), including its checks
   * that throw plain Errors, such as `exists: true` on a file flag ("No file found at …").
   */
  protected override async parse<F extends Output, B extends Output, A extends Output>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) throw error;
      const flags = (options ?? (this.constructor as typeof GlkeysCommand)).flags ?? {};
      throw Object.assign(usageFromOclif(error, flags), { code: 'USAGE' });
    }
  }

  /** Whether the user typed this flag (`--name`, `--name=…`, `--no-name` or an alias), not a default or the environment. */
  protected given(name: string): boolean {
    const flag = (this.constructor as typeof GlkeysCommand).flags?.[name] as { aliases?: string[] } | undefined;
    const names = [name, ...(flag?.aliases ?? [])];
    const end = this.argv.indexOf('--');
    return (end === -1 ? this.argv : this.argv.slice(0, end)).some((arg) =>
      names.some((n) => arg === `--${n}` || arg.startsWith(`--${n}=`) || arg === `--no-${n}`),
    );
  }

  /** Refuses each typed flag of `names` as having no effect, saying why (`without --secret`). */
  protected refuseGiven(names: readonly string[], why: string): void {
    const typed = names.find((name) => this.given(name));
    if (typed !== undefined) throw noEffect(`--${typed}`, why);
  }

  /** Refuses key-generation flags the chosen algorithm ignores (a curve for RSA, bits for ECDSA). */
  protected refuseUnusedKeyFlags(algorithm: string): void {
    if (algorithm !== 'ecdsa') this.refuseGiven(['ssh-ecdsa-curve'], `with --ssh-key-algorithm ${algorithm} (curves are for ecdsa)`);
    if (algorithm !== 'rsa') this.refuseGiven(['ssh-rsa-bits'], `with --ssh-key-algorithm ${algorithm} (bits are for rsa)`);
  }

  /** Refuses flags that contradict each other. */
  protected conflict(flag: string, message: string): never {
    throw new FlagError(flag, 'no conflicting flags', message);
  }

  /** Accepts Flux's `--flag=false` / `--flag=true` for boolean flags before oclif parses. */
  protected normalizeBooleans(names: readonly string[]): void {
    this.argv = this.argv.map((arg) => {
      const match = /^--([a-z-]+)=(true|false)$/.exec(arg);
      if (!match || !names.includes(match[1]!)) return arg;
      return match[2] === 'true' ? `--${match[1]}` : `--no-${match[1]}`;
    });
  }
}
