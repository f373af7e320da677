import { describe, expect, it } from 'vitest';
import {
  ANNOTATION_CREDENTIAL_ID,
  STATE_ANNOTATION,
  ValidationError,
  renderKeySecret,
  renderTokenSecret,
  secretManifest,
  parseStateAnnotation,
} from '../src/index.js';
import { checkSecretFormat } from '../src/render/formats.js';
import { emptyState } from '../src/lifecycle/state.js';

const token = { id: 17, username: 'gitlab+deploy-token-17', token: 'gldt-AAAAAAAAAAAAAAAAAAAA', expiresAt: '2027-01-01T00:00:00.000Z' };
const key = {
  id: 9,
  privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE glkeys',
  fingerprintSha256: 'SHA256:abc',
  expiresAt: null,
};

describe('Secret renderers', () => {
  it("should render External Secrets' username/token", () => {
    expect(renderTokenSecret('token', token).stringData).toEqual({ username: token.username, token: token.token });
  });

  it('should render Flux HTTPS username/password with ca.crt when given', () => {
    expect(renderTokenSecret('flux-https', token).stringData).toEqual({ username: token.username, password: token.token });
    expect(renderTokenSecret('flux-https', token, { caCert: 'PEM' }).stringData['ca.crt']).toBe('PEM');
  });

  it('should render Flux SSH identity, identity.pub and known_hosts with trailing newlines', () => {
    const rendered = renderKeySecret(key, '[gitlab.example.com]:2222 ssh-ed25519 AAAA');
    expect(Object.keys(rendered.stringData).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);
    expect(rendered.stringData.identity!.endsWith('-----END OPENSSH PRIVATE KEY-----\n')).toBe(true);
    expect(rendered.stringData.known_hosts).toBe('[gitlab.example.com]:2222 ssh-ed25519 AAAA\n');
    expect(rendered.annotations['glkeys.io/fingerprint-sha256']).toBe('SHA256:abc');
  });

  it('should refuse an SSH Secret without known_hosts, since Flux would refuse it', () => {
    expect(() => renderKeySecret(key, '')).toThrow(ValidationError);
  });

  it('should render a dockerconfigjson for the registry host with base64 auth', () => {
    const rendered = renderTokenSecret('dockerconfigjson', token, { registryHost: 'registry.example.com' });
    expect(rendered.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(rendered.stringData['.dockerconfigjson']!);
    expect(config.auths['registry.example.com'].auth).toBe(Buffer.from(`${token.username}:${token.token}`).toString('base64'));
    expect(() => renderTokenSecret('dockerconfigjson', token)).toThrow(/registryHost/);
  });

  it('should refuse flux-ssh for a token and unknown formats', () => {
    expect(() => renderTokenSecret('flux-ssh', token)).toThrow(ValidationError);
    expect(() => checkSecretFormat('pem')).toThrow(/not one of token, flux-https, flux-ssh, dockerconfigjson/);
  });

  it('should record the credential ID and expiry in annotations, never the value', () => {
    const rendered = renderTokenSecret('token', token);
    expect(rendered.annotations[ANNOTATION_CREDENTIAL_ID]).toBe('17');
    expect(JSON.stringify(rendered.annotations)).not.toContain(token.token);
  });

  it('should build a Secret manifest with base64 data and the lifecycle state annotation that reads back', () => {
    const state = { ...emptyState('deploy-token', 'abcdef012345'), generation: 1 };
    const manifest = secretManifest({
      name: 'flux-system',
      namespace: 'flux-system',
      rendered: renderTokenSecret('flux-https', token),
      state,
    });
    expect(manifest.data.password).toBe(Buffer.from(token.token).toString('base64'));
    expect(manifest.metadata.labels['app.kubernetes.io/managed-by']).toBe('glkeys');
    expect(manifest.metadata.annotations[STATE_ANNOTATION]).toBeDefined();
    expect(parseStateAnnotation(manifest.metadata.annotations)).toEqual(state);
    expect(JSON.stringify(manifest.metadata)).not.toContain(token.token);
  });
});
