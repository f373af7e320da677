/**
 * Builds the `glkeys-operator` OCI image from pinned inputs only, without a daemon: an image
 * layout directory and its `oci-archive` tarball. Same sources, same lock and same
 * SOURCE_DATE_EPOCH give the same digest.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleOperator } from './bundle.js';
import { debianInputs, nodeInput, readLock } from './inputs.js';
import { writeArchive, writeImage, writeLayer, type Layer } from './oci.js';
import { appLayer, baseLayer, nodeLayer, NONROOT } from './rootfs.js';
import { DEFAULT_NODE_OPTIONS } from '../src/node-options.js';

const run = promisify(execFile);

export interface BuildOptions {
  /** The operator package (apps/operator). */
  packageDir: string;
  /** Where the layout (`<outDir>/oci`) and the archive go. */
  outDir: string;
  /** Seconds since 1970 stamped on every file and on the image; default SOURCE_DATE_EPOCH, else the last commit's time. */
  sourceDateEpoch?: number;
}

export interface BuiltImage {
  layout: string;
  archive: string;
  /** The manifest's digest: what a registry and `skopeo inspect` call the image's digest. */
  digest: string;
  /** `glkeys-operator:<version>`, the name the image loads as. */
  reference: string;
  config: { digest: string };
  layers: Layer[];
  labels: Record<string, string>;
  compressedSize: number;
  uncompressedSize: number;
}

export async function buildImage(options: BuildOptions): Promise<BuiltImage> {
  const { packageDir, outDir } = options;
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
    license: string;
    description: string;
    repository?: string | { url: string };
  };
  const epoch = options.sourceDateEpoch ?? (await sourceDateEpoch(packageDir));
  const created = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const lock = await readLock(packageDir);
  const [debs, node, bundle] = [await debianInputs(lock), await nodeInput(lock), await bundleOperator(packageDir)];

  const layout = path.join(outDir, 'oci');
  await rm(layout, { recursive: true, force: true });
  const pins = lock.debian.packages.map((p) => `${p.name}=${p.version}`).join(' ');
  const layers = [
    await writeLayer(layout, await baseLayer(debs), epoch, `debian ${lock.debian.release}: ${pins}; ca-certificates.crt; user nonroot`),
    await writeLayer(layout, await nodeLayer(node), epoch, `${lock.node.package}@${lock.node.version}`),
    await writeLayer(layout, appLayer(bundle.code, bundle.notices), epoch, `glkeys-operator ${manifest.version} (bundled)`),
  ];
  const source = await sourceUrl(packageDir, manifest.repository);
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': 'glkeys-operator',
    'org.opencontainers.image.description': manifest.description,
    'org.opencontainers.image.version': manifest.version,
    'org.opencontainers.image.revision': await revision(packageDir),
    'org.opencontainers.image.licenses': manifest.license,
    'org.opencontainers.image.created': created,
    ...(source ? { 'org.opencontainers.image.source': source } : {}),
  };
  const reference = `glkeys-operator:${manifest.version}`;
  const written = await writeImage(
    layout,
    layers,
    {
      created,
      user: `${NONROOT.uid}:${NONROOT.gid}`,
      // No /bin: there is nothing there. SSL_CERT_FILE serves NODE_OPTIONS=--use-openssl-ca.
      // NODE_OPTIONS: the heap sizing the operator is measured and deployed with (the chart sets it too).
      env: [
        'PATH=/nodejs/bin',
        'HOME=/home/nonroot',
        'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
        `NODE_OPTIONS=${DEFAULT_NODE_OPTIONS}`,
      ],
      entrypoint: ['/nodejs/bin/node', '/app/main.mjs'],
      workingDir: '/home/nonroot',
      labels,
      exposedPorts: ['8080/tcp', '8081/tcp'],
      stopSignal: 'SIGTERM',
    },
    reference,
  );
  const archive = path.join(outDir, `glkeys-operator-${manifest.version}.oci.tar`);
  await writeArchive(layout, archive, epoch);
  return {
    layout,
    archive,
    digest: written.manifest.digest,
    reference,
    config: { digest: written.config.digest },
    layers,
    labels,
    compressedSize: layers.reduce((sum, layer) => sum + layer.size, written.config.size),
    uncompressedSize: layers.reduce((sum, layer) => sum + layer.uncompressedSize, 0),
  };
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  return run('git', args, { cwd }).then(
    (r) => r.stdout.trim() || undefined,
    () => undefined,
  );
}

async function sourceDateEpoch(cwd: string): Promise<number> {
  const fromEnv = process.env['SOURCE_DATE_EPOCH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv)) throw new Error(`image: SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${fromEnv}"`);
    return Number(fromEnv);
  }
  const committed = await git(cwd, ['log', '-1', '--format=%ct']);
  if (!committed) throw new Error('image: set SOURCE_DATE_EPOCH (outside a git checkout there is no commit time to use)');
  return Number(committed);
}

/** The commit, with `-dirty` when the checkout has changes: the label never claims a commit the image differs from. */
async function revision(cwd: string): Promise<string> {
  const commit = await git(cwd, ['rev-parse', 'HEAD']);
  if (!commit) return 'unknown';
  const changes = await git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return changes ? `${commit}-dirty` : commit;
}

/** package.json's `repository`, else the checkout's `origin`; none means no source label rather than a made-up one. */
async function sourceUrl(cwd: string, repository: string | { url: string } | undefined): Promise<string | undefined> {
  const declared = typeof repository === 'string' ? repository : repository?.url;
  const url = (declared ?? (await git(cwd, ['remote', 'get-url', 'origin'])))?.replace(/^git\+/, '').replace(/\.git$/, '');
  if (!url || !URL.canParse(url)) return url;
  // A remote URL may carry a user and token; a label is public.
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
