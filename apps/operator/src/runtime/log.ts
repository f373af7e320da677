// A small structured logger: one JSON object per line (zap's shape as controller-runtime prints it:
// level, ts, msg, then fields), levels debug < info < error (logr's V(1), V(0) and Error).
//
// The redaction here is a BACKSTOP, not the mechanism. Secret values must never reach a log call:
// core's errors carry no token, reconcilers log names and IDs, never data. The guard exists so a
// mistake shows up as "[redacted]" instead of a leaked credential: fields named like a credential
// are replaced, any string that looks like a GitLab token or a PEM/OpenSSH key is replaced, and a
// line that still looks like one after that is withheld entirely.

export type LogLevel = 'debug' | 'info' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  error(msg: string, error?: unknown, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. controller, key) to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Receives each line without its newline; stdout by default. */
  sink?: (line: string) => void;
  /** Wall time for `ts`; injectable so tests can compare lines. */
  now?: () => Date;
  fields?: LogFields;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, error: 2 };

export const REDACTED = '[redacted]';

/** Field names (lowercased, without `_`/`-`/`.`) whose values are never printed. */
const SECRET_FIELD = /(token|password|passwd|privatekey|identity|secretvalue|secretdata|authorization|apikey|credentials?)$/;

/** GitLab token prefixes (personal, deploy, runner, CI job, OAuth, feed, ...) and PEM/OpenSSH key headers. */
const SECRET_VALUE = /\b(glpat|gldt|glrt|glcbt|glptt|glft|glimt|glagent|gloas|glsoat|gltst|glffct|glrtr)-[0-9A-Za-z_-]{8,}|-----BEGIN /;

/** True if `value` looks like a credential the guard refuses to print. */
export function looksLikeSecret(value: string): boolean {
  return SECRET_VALUE.test(value);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const make = (fixed: LogFields): Logger => {
    const write = (level: LogLevel, msg: string, fields: LogFields | undefined, error?: unknown): void => {
      if (RANK[level] < min) return;
      const record: LogFields = { level, ts: now().toISOString(), msg: scrubString(msg) };
      Object.assign(record, scrubFields({ ...fixed, ...fields }));
      if (error !== undefined) Object.assign(record, describeError(error));
      let line = JSON.stringify(record);
      if (looksLikeSecret(line)) {
        line = JSON.stringify({ level: 'error', ts: record['ts'], msg: 'log line withheld: it looked like it held a credential' });
      }
      sink(line);
    };
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      error: (msg, error, fields) => write('error', msg, fields, error),
      child: (fields) => make({ ...fixed, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything (the default where none is given). */
export const discardLogger: Logger = createLogger({ sink: () => {} });

function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: scrubString(safeString(error)) };
  const fields: LogFields = { error: scrubString(error.message), errorType: error.name };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') fields['errorCode'] = code;
  return fields;
}

function scrubFields(fields: LogFields, depth = 0): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = SECRET_FIELD.test(name.toLowerCase().replace(/[-_.]/g, '')) ? REDACTED : scrubValue(value, depth);
  }
  return out;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return describeError(value);
  if (value instanceof Date) return value.toISOString();
  // Deep or cyclic structures do not belong in a log line; a summary keeps the line bounded.
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => scrubValue(item, depth + 1));
  if (typeof value === 'object') return scrubFields(value as LogFields, depth + 1);
  return safeString(value);
}

function scrubString(value: string): string {
  return looksLikeSecret(value) ? REDACTED : value;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
