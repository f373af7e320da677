/** Shared presentation of the bootstrap commands. */
import { stringify } from 'yaml';
import type { SecretManifest } from '@glkeys/core';
import type { BootstrapStep, SyncFile } from '@glkeys/core/bootstrap';

export const stepLabels: Record<BootstrapStep['id'], string> = {
  preflight: 'preflight (token scopes, role)',
  project: 'project',
  'known-hosts': 'SSH known_hosts',
  credential: 'deploy credential',
  secret: 'Secret',
  commit: 'sync manifests',
};

/** The Secret and sync manifests as one multi-document YAML stream, each file marked. */
export function exportYaml(secret: SecretManifest | undefined, files: SyncFile[]): string {
  const parts: string[] = [];
  if (secret) parts.push(`---\n${stringify(secret)}`);
  // kustomization.yaml is Kustomize's config, not an object to apply, so only gotk-sync.yaml goes out.
  for (const file of files.filter((f) => f.path.endsWith('gotk-sync.yaml'))) parts.push(file.content.replace(/^#.*\n/, ''));
  return parts.join('');
}
