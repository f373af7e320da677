// Module hooks for entry-probe.mjs: logs every bare specifier an ESM import resolves.
import { appendFileSync } from 'node:fs';

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, next) {
  if (!/^(\.|\/|node:|file:|data:)/.test(specifier)) appendFileSync(logFile, `${specifier}\n`);
  return next(specifier, context);
}
