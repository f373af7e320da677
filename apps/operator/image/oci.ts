/**
 * An OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
 * and its `oci-archive` tarball, written directly: a layout is tar + gzip + sha256 + JSON.
 * Layers are streamed (tar → sha256 of the diff → gzip → sha256 of the blob → file), so a 100 MB
 * Node binary is never held twice in memory.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { sortEntries, tarStream, type TarEntry } from './tar.js';
import type { Tree } from './tree.js';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Layer extends Descriptor {
  /** sha256 of the uncompressed tar: what the config's rootfs lists. */
  diffId: string;
  uncompressedSize: number;
  comment: string;
}

const blobPath = (layout: string, digest: string) => path.join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));

async function writeBlob(layout: string, mediaType: string, bytes: Buffer): Promise<Descriptor> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(blobPath(layout, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

export async function writeLayer(layout: string, tree: Tree, mtime: number, comment: string): Promise<Layer> {
  await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let uncompressedSize = 0;
  let size = 0;
  const tmp = path.join(layout, 'blobs', 'sha256', `.layer-${process.pid}-${Date.now()}`);
  const tar = Readable.from(
    (async function* () {
      for await (const chunk of tarStream(tree.sorted(), mtime)) {
        diff.update(chunk);
        uncompressedSize += chunk.length;
        yield chunk;
      }
    })(),
  );
  // Node's gzip header carries no file name and no time. Level 6 (zlib's default): level 9 takes
  // four times as long on the Node binary for 0.4% fewer bytes.
  const gzip = createGzip({ level: constants.Z_DEFAULT_COMPRESSION });
  const count = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      blob.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  };
  await pipeline(tar, gzip, count, createWriteStream(tmp));
  const digest = `sha256:${blob.digest('hex')}`;
  await rename(tmp, blobPath(layout, digest));
  return { mediaType: MEDIA.layer, digest, size, diffId: `sha256:${diff.digest('hex')}`, uncompressedSize, comment };
}

export interface ImageConfig {
  created: string;
  user: string;
  env: string[];
  entrypoint: string[];
  workingDir: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  stopSignal: string;
}

/** JSON with keys in a fixed order: the config's digest is part of the image's identity. */
const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

export interface WrittenImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Layer[];
}

export async function writeImage(layout: string, layers: Layer[], image: ImageConfig, refName: string): Promise<WrittenImage> {
  const config = await writeBlob(
    layout,
    MEDIA.config,
    json({
      created: image.created,
      architecture: 'amd64',
      os: 'linux',
      config: {
        User: image.user,
        ExposedPorts: Object.fromEntries(image.exposedPorts.map((port) => [port, {}])),
        Env: image.env,
        Entrypoint: image.entrypoint,
        WorkingDir: image.workingDir,
        Labels: image.labels,
        StopSignal: image.stopSignal,
      },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
      history: layers.map((layer) => ({ created: image.created, created_by: layer.comment, comment: 'glkeys image build' })),
    }),
  );
  const manifest = await writeBlob(
    layout,
    MEDIA.manifest,
    json({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config,
      layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
      annotations: { 'org.opencontainers.image.created': image.created },
    }),
  );
  await writeFile(path.join(layout, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(layout, 'index.json'),
    json({
      schemaVersion: 2,
      mediaType: MEDIA.index,
      manifests: [
        {
          ...manifest,
          // podman/skopeo name the loaded image from ref.name, Docker (containerd store) from the other.
          annotations: { 'io.containerd.image.name': refName, 'org.opencontainers.image.ref.name': refName },
        },
      ],
    }),
  );
  // Docker before 25 only reads `docker save`'s manifest.json; with it the archive loads there too.
  await writeFile(
    path.join(layout, 'manifest.json'),
    json([
      {
        Config: `blobs/sha256/${config.digest.slice(7)}`,
        RepoTags: [refName],
        Layers: layers.map((layer) => `blobs/sha256/${layer.digest.slice(7)}`),
      },
    ]),
  );
  return { manifest, config, layers };
}

/** The layout as one deterministic tarball (skopeo's and podman's `oci-archive`). */
export async function writeArchive(layout: string, archive: string, mtime: number): Promise<void> {
  const entries: TarEntry[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const name of (await readdir(path.join(layout, relative))).sort()) {
      if (name.startsWith('.')) continue;
      const rel = relative ? `${relative}/${name}` : name;
      const file = path.join(layout, rel);
      const info = await stat(file);
      if (info.isDirectory()) {
        entries.push({ type: 'dir', path: rel, mode: 0o755 });
        await walk(rel);
      } else entries.push({ type: 'file', path: rel, mode: 0o644, size: info.size, source: { file } });
    }
  };
  await walk('');
  await pipeline(Readable.from(tarStream(sortEntries(entries), mtime)), createWriteStream(archive));
}
