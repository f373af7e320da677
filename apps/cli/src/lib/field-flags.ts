/**
 * Core names the field an error is about in its own words (`registryHost`, `secret.name`);
 * a command reports it as the flag the user typed (`--registry-host`, `--secret`).
 * COMMON_FIELD_FLAGS holds the names every command shares; a command's `fieldFlags` adds or
 * overrides its own (a deploy key's `name` is `--title`). A field is renamed only to a flag the
 * command has, so a shared entry never names a flag the user could not have typed.
 */
import type { ErrorReport } from './errors.js';

export const COMMON_FIELD_FLAGS: Readonly<Record<string, string>> = {
  hostname: '--hostname',
  host: '--hostname',
  ca: '--ca-file',
  caCert: '--ca-file',
  kubeconfig: '--kubeconfig',
  context: '--context',
  project: '--project',
  group: '--group',
  name: '--name',
  title: '--title',
  scopes: '--scopes',
  username: '--username',
  expiresAt: '--expires-at',
  expiresAfter: '--expires-in',
  format: '--format',
  registryHost: '--registry-host',
  secret: '--secret',
  'secret.name': '--secret',
  secretName: '--secret-name',
  'secret.namespace': '--namespace',
  namespace: '--namespace',
  privateKey: '--private-key-file',
  passphrase: '--passphrase',
  algorithm: '--ssh-key-algorithm',
  curve: '--ssh-ecdsa-curve',
  rsaBits: '--ssh-rsa-bits',
  knownHosts: '--ssh-hostname',
  sshHost: '--ssh-hostname',
  owner: '--owner',
  repository: '--repository',
  personal: '--personal',
  visibility: '--visibility',
  tokenAuth: '--token-auth',
  deployTokenAuth: '--deploy-token-auth',
  readWriteKey: '--read-write-key',
  branch: '--branch',
  path: '--path',
  interval: '--interval',
  url: '--url',
  outputDir: '--output-dir',
  ref: '--ref',
  id: 'ID',
  file: 'FILE',
  dir: 'DIR',
};

/** The flag (or argument) a core field reads as in a command that has `flagNames` (without `--`). */
export function flagOf(field: string, fieldFlags: Record<string, string>, flagNames: readonly string[]): string | undefined {
  const flag = fieldFlags[field] ?? COMMON_FIELD_FLAGS[field];
  if (flag === undefined) return undefined;
  // Arguments (ID, FILE) and flags named on purpose by the command itself are always right.
  if (!flag.startsWith('--') || field in fieldFlags) return flag;
  return flagNames.includes(flag.slice(2)) ? flag : undefined;
}

export function withFlagNames(report: ErrorReport, fieldFlags: Record<string, string>, flagNames: readonly string[] = []): ErrorReport {
  const flag = report.field === undefined ? undefined : flagOf(report.field, fieldFlags, flagNames);
  if (!flag || report.field === undefined) return report;
  const prefix = `${report.field}:`;
  const message = report.message.startsWith(prefix) ? `${flag}:${report.message.slice(prefix.length)}` : report.message;
  return { ...report, field: flag, message };
}
