// Run by test/public-api.test.ts in a fresh Node process, as a user's program would be: loads
// one built entry of @glkeys/core (`esm`: import, `cjs`: require) and prints its runtime export
// names and every package Node was asked to load on the way (bare specifiers, by ESM import or
// by require), plus whether Node's fetch (undici) was loaded.
// Usage: node entry-probe.mjs esm|cjs <specifier> <log file>
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';

const [format, specifier, logFile] = process.argv.slice(2);
writeFileSync(logFile, '');
// ESM resolutions go through the hooks (another thread), so they log to the file too.
register('./resolve-log-hooks.mjs', import.meta.url, { data: { logFile } });
const load = Module._load;
Module._load = function (request, ...rest) {
  if (isBare(request)) appendFileSync(logFile, `${request}\n`);
  return load.call(this, request, ...rest);
};

const entry = format === 'esm' ? await import(specifier) : createRequire(import.meta.url)(specifier);
const packages = [...new Set(readFileSync(logFile, 'utf8').split('\n').filter(Boolean))].sort();
process.stdout.write(
  JSON.stringify({
    names: Object.keys(entry)
      .filter((name) => name !== 'default' && name !== 'module.exports')
      .sort(),
    packages,
    undici: process.moduleLoadList.some((name) => name.includes('undici')),
  }),
);

function isBare(request) {
  return !/^(\.|\/|node:|file:|data:)/.test(request);
}
