/**
 * `pnpm --filter @glkeys/operator run image [--out DIR] [--update-lock]`: builds the image into
 * DIR (default dist-image/) and prints its digest and sizes. `--update-lock` pins the versions
 * npm and Debian serve now (Debian keeps only the latest point release) and exits.
 * `--bundle-only` writes just DIR/main.mjs, the file the image runs (bench/operator measures it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleOperator } from './bundle.js';
import { buildImage } from './index.js';
import { lockPath, readLock, updatedLock } from './inputs.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'dist-image' },
    'update-lock': { type: 'boolean', default: false },
    'bundle-only': { type: 'boolean', default: false },
  },
  strict: true,
});
// pnpm runs package scripts in the package's directory.
const packageDir = process.cwd();

try {
  if (values['update-lock']) {
    const lock = await updatedLock(await readLock(packageDir));
    await writeFile(lockPath(packageDir), `${JSON.stringify(lock, null, 2)}\n`);
    process.stdout.write(`pinned ${lock.node.package}@${lock.node.version} and ${lock.debian.packages.length} Debian packages\n`);
  } else if (values['bundle-only']) {
    const out = path.resolve(packageDir, values.out);
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'main.mjs'), (await bundleOperator(packageDir)).code);
    process.stdout.write(`bundle:       ${path.relative(packageDir, path.join(out, 'main.mjs'))}\n`);
  } else {
    const started = performance.now();
    const image = await buildImage({ packageDir, outDir: path.resolve(packageDir, values.out) });
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    process.stdout.write(
      [
        `image:        ${image.reference}`,
        `digest:       ${image.digest}`,
        `layout:       ${path.relative(packageDir, image.layout)}`,
        `oci-archive:  ${path.relative(packageDir, image.archive)}`,
        `size:         ${mb(image.compressedSize)} compressed, ${mb(image.uncompressedSize)} uncompressed`,
        `built in:     ${((performance.now() - started) / 1000).toFixed(1)} s`,
        '',
      ].join('\n'),
    );
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
