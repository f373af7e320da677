/**
 * GitlabDeployKey: the source of truth for its CRD. The operator generates the key pair,
 * registers the public half on the project, and writes Flux's SSH Secret layout
 * (identity, identity.pub, known_hosts).
 */
import { RSA_GENERATE_MAX_BITS, RSA_GENERATE_MIN_BITS } from '@glkeys/core';
import {
  auth,
  caBundle,
  credentialFields,
  deletionPolicy,
  expiresAfter,
  expiresAt,
  GITLAB_NAME_MAX,
  gitlabId,
  HOST_PORT_PATTERN,
  rotationFields,
  rotationRules,
  statusFields,
  targetName,
  url,
  withMinExpiresAfter,
} from './common.js';
import type { KindDefinition } from './kind.js';
import { boolean, integer, object, required, string } from './schema.js';

const key = object(
  'DeployKeyAlgorithm',
  "The key pair to generate; Flux's choices and defaults. Omitted: ECDSA P-384.",
  {
    algorithm: string('ecdsa, ed25519 or rsa.', { enum: ['ecdsa', 'ed25519', 'rsa'], default: 'ecdsa' }),
    // No schema default here: a default would be filled in for rsa and ed25519 keys too and break
    // the only-with-ecdsa rule. The object default below and the reconciler both use p384.
    ecdsaCurve: string('ECDSA curve, only with algorithm ecdsa. Omitted: p384.', { enum: ['p256', 'p384', 'p521'] }),
    rsaBits: integer(
      `RSA modulus size, only with algorithm rsa (${RSA_GENERATE_MIN_BITS}..${RSA_GENERATE_MAX_BITS}). Omitted: ${RSA_GENERATE_MIN_BITS}.`,
      {
        format: 'int32',
        minimum: RSA_GENERATE_MIN_BITS,
        maximum: RSA_GENERATE_MAX_BITS,
      },
    ),
  },
  {
    default: { algorithm: 'ecdsa', ecdsaCurve: 'p384' },
    rules: [
      {
        rule: "!has(self.ecdsaCurve) || self.algorithm == 'ecdsa'",
        message: 'ecdsaCurve is only for algorithm ecdsa',
        fieldPath: '.ecdsaCurve',
      },
      { rule: "!has(self.rsaBits) || self.algorithm == 'rsa'", message: 'rsaBits is only for algorithm rsa', fieldPath: '.rsaBits' },
    ],
  },
);

const spec = object(
  'GitlabDeployKeySpec',
  'An SSH deploy key the operator generates, registers on a project, keeps in a Secret, rotates and removes.',
  {
    url,
    projectID: required(gitlabId('Project the key is registered on: numeric ID or unescaped path (group/project).')),
    title: string(
      "Human part of the key's title in GitLab; the operator appends its owner marker. Default: namespace/name of this object.",
      {
        minLength: 1,
        maxLength: GITLAB_NAME_MAX,
      },
    ),
    canPush: boolean('Whether the key may push. Read-only by default.', { default: false }),
    expiresAt,
    expiresAfter: withMinExpiresAfter(expiresAfter),
    key,
    sshHost: string('SSH host[:port] whose host keys go into known_hosts. Default: the host of url, port 22. Not with knownHosts.', {
      maxLength: 261,
      pattern: HOST_PORT_PATTERN,
    }),
    knownHosts: string('known_hosts lines to write as they are, instead of scanning sshHost. Not with sshHost.', {
      minLength: 1,
      maxLength: 65536,
    }),
    ...rotationFields,
    caBundle,
    deletionPolicy,
    auth: required(auth),
    target: required(
      object('DeployKeyTarget', "The Secret the operator writes, in Flux's SSH layout: identity, identity.pub, known_hosts.", {
        name: targetName,
      }),
    ),
  },
  {
    rules: [
      { rule: '!(has(self.sshHost) && has(self.knownHosts))', message: 'set sshHost or knownHosts, not both', fieldPath: '.knownHosts' },
      ...rotationRules,
    ],
  },
);

const status = object(
  'GitlabDeployKeyStatus',
  'What the operator last observed and did.',
  statusFields(
    object('DeployKeyCredential', 'The deploy key currently in the target Secret.', {
      ...credentialFields(),
      fingerprint: string('SHA256 fingerprint of the public key, as GitLab shows it (SHA256:...).'),
    }),
  ),
);

export const gitlabDeployKey: KindDefinition = {
  kind: 'GitlabDeployKey',
  plural: 'gitlabdeploykeys',
  singular: 'gitlabdeploykey',
  shortNames: ['gldk'],
  description: 'GitlabDeployKey keeps an SSH deploy key alive in a Secret: generated, registered, rotated, verified and removed.',
  spec,
  status,
};
