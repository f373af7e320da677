/**
 * Secret data in the formats consumers read. Key names are the consumers' own:
 * - `token`:            `username`, `token` (External Secrets' GitLab deploy-token generator)
 * - `flux-https`:       `username`, `password` [+ `ca.crt`] (Flux GitRepository over HTTPS)
 * - `flux-ssh`:         `identity`, `identity.pub`, `known_hosts` (Flux GitRepository over SSH)
 * - `dockerconfigjson`: `.dockerconfigjson` of type kubernetes.io/dockerconfigjson (image pulls)
 * Annotations record which credential the value is (ID, expiry, fingerprint), never the value.
 */
import { ValidationError } from '../errors.js';

export const SECRET_FORMATS = ['token', 'flux-https', 'flux-ssh', 'dockerconfigjson'] as const;
export type SecretFormat = (typeof SECRET_FORMATS)[number];

export interface RenderedSecret {
  type: string;
  /** Plain-text values; a secret. */
  stringData: Record<string, string>;
  annotations: Record<string, string>;
}

export interface TokenCredential {
  id: number;
  username: string;
  token: string;
  expiresAt: string | null;
}

export interface KeyCredential {
  id: number;
  privateKey: string;
  publicKey: string;
  fingerprintSha256: string;
  expiresAt: string | null;
}

export const ANNOTATION_CREDENTIAL_ID = 'glkeys.io/credential-id';
export const ANNOTATION_EXPIRES_AT = 'glkeys.io/expires-at';
export const ANNOTATION_FINGERPRINT = 'glkeys.io/fingerprint-sha256';

export function checkSecretFormat(format: string, field = 'format'): SecretFormat {
  if (!(SECRET_FORMATS as readonly string[]).includes(format)) {
    throw new ValidationError(field, 'known format', `${field}: "${format}" is not one of ${SECRET_FORMATS.join(', ')}`);
  }
  return format as SecretFormat;
}

export function renderTokenSecret(
  format: SecretFormat,
  credential: TokenCredential,
  options: { caCert?: string; registryHost?: string } = {},
): RenderedSecret {
  const annotations = credentialAnnotations(credential.id, credential.expiresAt);
  switch (format) {
    case 'token':
      return { type: 'Opaque', stringData: { username: credential.username, token: credential.token }, annotations };
    case 'flux-https': {
      const stringData: Record<string, string> = { username: credential.username, password: credential.token };
      if (options.caCert) stringData['ca.crt'] = options.caCert;
      return { type: 'Opaque', stringData, annotations };
    }
    case 'dockerconfigjson':
      return { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': dockerConfigJson(credential, options.registryHost) }, annotations };
    case 'flux-ssh':
      throw new ValidationError('format', 'SSH format needs a deploy key', 'format: flux-ssh holds an SSH key; a deploy token renders as token, flux-https or dockerconfigjson');
  }
}

export function renderKeySecret(credential: KeyCredential, knownHosts: string): RenderedSecret {
  if (knownHosts.trim() === '') {
    throw new ValidationError('knownHosts', 'not empty', 'knownHosts: Flux refuses an SSH source without known_hosts; scan the SSH host first');
  }
  return {
    type: 'Opaque',
    stringData: {
      identity: ensureNewline(credential.privateKey),
      'identity.pub': ensureNewline(credential.publicKey),
      known_hosts: ensureNewline(knownHosts),
    },
    annotations: { ...credentialAnnotations(credential.id, credential.expiresAt), [ANNOTATION_FINGERPRINT]: credential.fingerprintSha256 },
  };
}

function dockerConfigJson(credential: TokenCredential, registryHost: string | undefined): string {
  if (!registryHost || /[\s/]/.test(registryHost)) {
    throw new ValidationError('registryHost', 'registry host[:port]', 'registryHost: give the registry host, e.g. registry.gitlab.example.com');
  }
  const auth = Buffer.from(`${credential.username}:${credential.token}`).toString('base64');
  return JSON.stringify({ auths: { [registryHost]: { username: credential.username, password: credential.token, auth } } });
}

function credentialAnnotations(id: number, expiresAt: string | null): Record<string, string> {
  return { [ANNOTATION_CREDENTIAL_ID]: String(id), [ANNOTATION_EXPIRES_AT]: expiresAt ?? 'never' };
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
