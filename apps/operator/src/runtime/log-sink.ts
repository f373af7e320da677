/**
 * What the runtime's pieces need from a logger: a message and structured fields. The
 * manager passes its JSON logger; the default says nothing. Fields never carry object data
 * (a Secret's values): only kinds, names, counts, codes.
 */
export interface LogSink {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ignore = () => undefined;
export const SILENT_LOG: LogSink = { debug: ignore, info: ignore, warn: ignore, error: ignore };
