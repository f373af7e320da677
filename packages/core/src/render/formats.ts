/**
 * Secret data in the formats consumers read. Key names are the consumers' own:
 * - `token`:            `username`, `token` (External Secrets' GitLab deploy-token generator)
 * - `flux-https`:       `username`, `password` [+ `ca.crt`] (Flux GitRepository over HTTPS)
 * - `flux-ssh`:         `identity`, `identity.pub`, `known_hosts` (Flux GitRepository over SSH)
 * - `dockerconfigjson`: `.dockerconfigjson` of type kubernetes.io/dockerconfigjson (image pulls)
 * Annotations record which credential the value is (ID, expiry, fingerprint), never the value.
 */
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

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
    throw new ValidationError(field, 'known format', `${field}: ${shown(format)} is not one of ${SECRET_FORMATS.join(', ')}`);
  }
  return format as SecretFormat;
}

/**
 * How one format writes a credential into a Secret. Built (and so checked) before any GitLab
 * call: a renderer that exists cannot fail for its options, and its `type` is known before the
 * first write, because a Secret's type is immutable.
 */
export interface SecretRenderer<V> {
  readonly format: SecretFormat;
  /** The Secret's `type`, fixed for the Secret's life. */
  readonly type: string;
  /** Data of a Secret that holds no credential yet, valid for `type` (an intent write). */
  readonly placeholder: Record<string, string>;
  render(value: V): RenderedSecret;
}

export interface TokenRenderOptions {
  /** PEM CA bundle for `flux-https` (`ca.crt`). */
  caCert?: string | undefined;
  /** Registry host[:port] for `dockerconfigjson`; required there. */
  registryHost?: string | undefined;
}

/** A deploy token's renderer; refuses a format or option that cannot work, naming the field. */
export function tokenSecretRenderer(format: string, options: TokenRenderOptions = {}, field = 'format'): SecretRenderer<TokenCredential> {
  const checked = checkSecretFormat(format, field);
  switch (checked) {
    case 'token':
      return {
        format: checked,
        type: 'Opaque',
        placeholder: {},
        render: (c) => ({
          type: 'Opaque',
          stringData: { username: c.username, token: c.token },
          annotations: credentialAnnotations(c.id, c.expiresAt),
        }),
      };
    case 'flux-https':
      return {
        format: checked,
        type: 'Opaque',
        placeholder: {},
        render: (c) => {
          const stringData: Record<string, string> = { username: c.username, password: c.token };
          if (options.caCert) stringData['ca.crt'] = options.caCert;
          return { type: 'Opaque', stringData, annotations: credentialAnnotations(c.id, c.expiresAt) };
        },
      };
    case 'dockerconfigjson': {
      const host = checkRegistryHost(options.registryHost);
      return {
        format: checked,
        type: DOCKER_CONFIG_JSON,
        // The apiserver requires a valid .dockerconfigjson even before there is a credential.
        placeholder: { '.dockerconfigjson': JSON.stringify({ auths: {} }) },
        render: (c) => ({
          type: DOCKER_CONFIG_JSON,
          stringData: { '.dockerconfigjson': dockerConfigJson(c, host) },
          annotations: credentialAnnotations(c.id, c.expiresAt),
        }),
      };
    }
    case 'flux-ssh':
      throw new ValidationError(
        field,
        'SSH format needs a deploy key',
        `${field}: flux-ssh holds an SSH key; a deploy token renders as token, flux-https or dockerconfigjson`,
      );
  }
}

/** A deploy key's renderer (Flux's SSH format); known_hosts is required, as Flux requires it. */
export function keySecretRenderer(knownHosts: string): SecretRenderer<KeyCredential> {
  if (typeof knownHosts !== 'string' || knownHosts.trim() === '') {
    throw new ValidationError(
      'knownHosts',
      'not empty',
      'knownHosts: Flux refuses an SSH source without known_hosts; scan the SSH host first',
    );
  }
  return {
    format: 'flux-ssh',
    type: 'Opaque',
    placeholder: {},
    render: (credential) => ({
      type: 'Opaque',
      stringData: {
        identity: ensureNewline(credential.privateKey),
        'identity.pub': ensureNewline(credential.publicKey),
        known_hosts: ensureNewline(knownHosts),
      },
      annotations: {
        ...credentialAnnotations(credential.id, credential.expiresAt),
        [ANNOTATION_FINGERPRINT]: credential.fingerprintSha256,
      },
    }),
  };
}

export function renderTokenSecret(format: SecretFormat, credential: TokenCredential, options: TokenRenderOptions = {}): RenderedSecret {
  return tokenSecretRenderer(format, options).render(credential);
}

export function renderKeySecret(credential: KeyCredential, knownHosts: string): RenderedSecret {
  return keySecretRenderer(knownHosts).render(credential);
}

const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';

function checkRegistryHost(registryHost: string | undefined): string {
  if (!registryHost || /[\s/]/.test(registryHost)) {
    throw new ValidationError(
      'registryHost',
      'registry host[:port]',
      'registryHost: give the registry host, e.g. registry.gitlab.example.com',
    );
  }
  return registryHost;
}

function dockerConfigJson(credential: TokenCredential, registryHost: string): string {
  const auth = Buffer.from(`${credential.username}:${credential.token}`).toString('base64');
  return JSON.stringify({ auths: { [registryHost]: { username: credential.username, password: credential.token, auth } } });
}

function credentialAnnotations(id: number, expiresAt: string | null): Record<string, string> {
  return { [ANNOTATION_CREDENTIAL_ID]: String(id), [ANNOTATION_EXPIRES_AT]: expiresAt ?? 'never' };
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
