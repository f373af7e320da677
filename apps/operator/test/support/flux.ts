/**
 * Flux's real GitRepository CRD, from the source-controller Go module (fetched once through the Go
 * module proxy into Go's module cache, like kube-testenv's binaries), applied as users apply it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { applyCrds } from '../../src/api/index.js';

export const SOURCE_CONTROLLER_MODULE = 'github.com/fluxcd/source-controller@v1.9.6';

export function gitRepositoryCrd(): Record<string, unknown> {
  const out = execFileSync('go', ['mod', 'download', '-json', SOURCE_CONTROLLER_MODULE], { encoding: 'utf8', timeout: 300_000 });
  const dir = (JSON.parse(out) as { Dir: string }).Dir;
  const file = join(dir, 'config', 'crd', 'bases', 'source.toolkit.fluxcd.io_gitrepositories.yaml');
  return parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS() as Record<string, unknown>;
}

export async function applyGitRepositoryCrd(kubeConfig: KubeConfig): Promise<void> {
  await applyCrds(kubeConfig, { crds: [gitRepositoryCrd()] });
}
