/**
 * GitlabDeployToken: the source of truth for its CRD. Fields that External Secrets'
 * GitlabDeployToken generator has keep its names and meaning (url, projectID/groupID, name,
 * scopes, expiresAt, username, auth.token.secretRef), so migrating is mostly a change of
 * apiVersion and kind.
 */
import { GROUP_DEPLOY_TOKEN_SCOPES, PROJECT_DEPLOY_TOKEN_SCOPES } from '@glkeys/core';
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
  targetMetadata,
  targetName,
  url,
  withMinExpiresAfter,
} from './common.js';
import type { KindDefinition } from './kind.js';
import { array, object, required, string } from './schema.js';

const projectOnlyScopes = PROJECT_DEPLOY_TOKEN_SCOPES.filter((scope) => !(GROUP_DEPLOY_TOKEN_SCOPES as readonly string[]).includes(scope));

const target = object(
  'DeployTokenTarget',
  'The Secret the operator writes the token into.',
  {
    name: targetName,
    format: string(
      'Secret layout: token (keys username, token, as External Secrets writes), flux-https (username, password; Flux GitRepository), or dockerconfigjson (type kubernetes.io/dockerconfigjson for image pulls).',
      { enum: ['token', 'flux-https', 'dockerconfigjson'], default: 'token' },
    ),
    registryHost: string('Registry host[:port] for dockerconfigjson, e.g. registry.gitlab.example.com. Only with that format.', {
      maxLength: 261,
      pattern: HOST_PORT_PATTERN,
    }),
    ...targetMetadata(),
  },
  {
    rules: [
      {
        rule: "has(self.registryHost) == (has(self.format) && self.format == 'dockerconfigjson')",
        message: 'registryHost is required with format dockerconfigjson and allowed only with it',
        fieldPath: '.registryHost',
      },
    ],
  },
);

const spec = object(
  'GitlabDeployTokenSpec',
  'A GitLab deploy token the operator creates, keeps in a Secret, rotates and revokes.',
  {
    url,
    projectID: gitlabId(
      'Project for a project deploy token: numeric ID or unescaped path (group/project). Exactly one of projectID or groupID.',
    ),
    groupID: gitlabId(
      'Group for a group deploy token: numeric ID or unescaped path (group/subgroup). Exactly one of projectID or groupID.',
    ),
    name: string(
      `Human part of the token's name in GitLab; the operator appends its owner marker. Default: namespace/name of this object.`,
      {
        minLength: 1,
        maxLength: GITLAB_NAME_MAX,
      },
    ),
    scopes: required(
      array('What the token may do.', string('A deploy token scope.', { enum: PROJECT_DEPLOY_TOKEN_SCOPES }), {
        minItems: 1,
        maxItems: PROJECT_DEPLOY_TOKEN_SCOPES.length,
        listType: 'set',
      }),
    ),
    expiresAt,
    expiresAfter: withMinExpiresAfter(expiresAfter),
    username: string("Username of the token. Default: GitLab's gitlab+deploy-token-{n}.", {
      minLength: 1,
      maxLength: 255,
      pattern: '^[a-zA-Z0-9.+_-]+$',
    }),
    ...rotationFields,
    caBundle,
    deletionPolicy,
    auth: required(auth),
    target: required(target),
  },
  {
    rules: [
      { rule: 'has(self.projectID) != has(self.groupID)', message: 'set exactly one of projectID or groupID' },
      {
        rule: `!has(self.groupID) || !self.scopes.exists(s, s in ${JSON.stringify(projectOnlyScopes).replaceAll('"', "'")})`,
        message: `${projectOnlyScopes.join(' and ')} exist only for project deploy tokens (projectID), not group ones`,
        fieldPath: '.scopes',
      },
      ...rotationRules,
    ],
  },
);

const status = object(
  'GitlabDeployTokenStatus',
  'What the operator last observed and did.',
  statusFields(
    object('DeployTokenCredential', 'The deploy token currently in the target Secret.', {
      ...credentialFields(),
      username: string('Its username.'),
    }),
  ),
);

export const gitlabDeployToken: KindDefinition = {
  kind: 'GitlabDeployToken',
  plural: 'gitlabdeploytokens',
  singular: 'gitlabdeploytoken',
  shortNames: ['gldt'],
  description: 'GitlabDeployToken keeps a GitLab deploy token alive in a Secret: created, rotated, verified and revoked.',
  spec,
  status,
};
