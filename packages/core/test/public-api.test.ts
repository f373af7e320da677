/**
 * The public API as a user's program sees it: each built entry (dist, ESM and CommonJS) loaded
 * in a fresh Node process. Its runtime export names must equal test/public-api.json, so a name
 * that leaks out (or goes missing) fails here; changing the API means changing that list in
 * the same commit. And `./read` must stay light: the CLI's fast path loads only it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'public-api.json'), 'utf8')) as Record<string, string[]>;
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const entries = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');

/** Packages `./read` must never load (gitbeaker and ky are the client; ssh2 the SSH scans). */
const HEAVY = ['@gitbeaker/core', '@gitbeaker/requester-utils', 'ky', 'ssh2', '@kubernetes/client-node'];

interface Probe {
  names: string[];
  /** Every bare specifier Node was asked to load (imports and requires, dependencies' too). */
  packages: string[];
  undici: boolean;
}

function probe(format: 'esm' | 'cjs', subpath: string): Probe {
  const specifier = `@glkeys/core${subpath.slice(1)}`;
  const log = join(tmpdir(), `glkeys-entry-probe-${process.pid}-${format}-${subpath.replace(/\W/g, '_')}.log`);
  const out = execFileSync(process.execPath, [join(import.meta.dirname, 'support', 'entry-probe.mjs'), format, specifier, log], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Probe;
}

function loadsPackage(probe: Probe, name: string): boolean {
  return probe.packages.some((loaded) => loaded === name || loaded.startsWith(`${name}/`));
}

/** Newest modification time under a directory, in ms. */
function newest(dir: string): number {
  return Math.max(...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => statSync(join(dir, file)).mtimeMs));
}

describe('public API of @glkeys/core', () => {
  it('should test the build of the current sources', () => {
    // A stale dist would compare yesterday's API; `pnpm test` builds first (turbo), vitest alone does not.
    expect(newest(join(packageDir, 'dist')), 'dist is older than src: run `pnpm run build` in packages/core').toBeGreaterThanOrEqual(
      newest(join(packageDir, 'src')),
    );
  });

  it('should list every entry point of package.json in public-api.json', () => {
    expect(Object.keys(expected).sort()).toEqual([...entries].sort());
  });

  describe.each(entries)('%s', (subpath) => {
    it.each(['esm', 'cjs'] as const)('should export exactly the listed names (%s)', (format) => {
      expect(probe(format, subpath).names).toEqual([...(expected[subpath] ?? [])].sort());
    });
  });

  describe.each(['esm', 'cjs'] as const)('./read (%s)', (format) => {
    it('should load neither gitbeaker, ky, ssh2, the Kubernetes client nor Node fetch', () => {
      const read = probe(format, './read');
      expect(HEAVY.filter((name) => loadsPackage(read, name))).toEqual([]);
      expect(read.undici).toBe(false);
    });

    it('should be measured by a probe that does see those packages load', () => {
      // Without this, a probe that sees nothing would pass the check above.
      expect(loadsPackage(probe(format, '.'), 'ky')).toBe(true);
      expect(loadsPackage(probe(format, './kubernetes'), '@kubernetes/client-node')).toBe(true);
    });
  });

  it('should share one copy of the error classes between entries (CommonJS too)', () => {
    // Entries are split into shared chunks in both formats, so `instanceof` holds across them.
    const script = `const a = require('@glkeys/core'), r = require('@glkeys/core/read'), k = require('@glkeys/core/kubernetes');
      process.stdout.write(String(a.ValidationError === r.ValidationError && a.ConflictError === k.ConflictError));`;
    expect(execFileSync(process.execPath, ['-e', script], { cwd: packageDir, encoding: 'utf8' })).toBe('true');
  });
});
