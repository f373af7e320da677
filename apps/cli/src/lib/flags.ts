/** Flags shared by several commands, with the same names and defaults everywhere. */
import { Flags } from '@oclif/core';
import { DURATION_RULE } from '@glkeys/core/read';

export const hostFlags = {
  hostname: Flags.string({
    aliases: ['host'],
    summary: 'GitLab host or URL (default: GITLAB_HOST, CI_SERVER_URL, then gitlab.com).',
    helpGroup: 'GITLAB',
  }),
  'ca-file': Flags.file({
    summary: 'PEM CA bundle for a self-managed GitLab; used for API calls (and stored as ca.crt where Flux needs it).',
    exists: true,
    helpGroup: 'GITLAB',
  }),
};

export const targetFlags = {
  project: Flags.string({
    summary: 'Project: numeric ID, full path (group/sub/project) or a pasted URL.',
    exactlyOne: ['project', 'group'],
  }),
  group: Flags.string({ summary: 'Group: numeric ID, full path (group/sub) or a pasted URL.', exactlyOne: ['project', 'group'] }),
};

export const projectFlag = {
  project: Flags.string({ summary: 'Project: numeric ID, full path (group/sub/project) or a pasted URL.', required: true }),
};

export const expiryFlags = {
  'expires-at': Flags.string({ summary: 'Expiry as an RFC 3339 time or date (2027-01-01).', exclusive: ['expires-in'] }),
  'expires-in': Flags.string({
    summary: 'Expiry relative to now, at least 1h.',
    description: `Durations: ${DURATION_RULE} (the rule of the operator's expiresAfter too; packages/core README, "Durations").`,
    exclusive: ['expires-at'],
  }),
};

export const kubeFlags = {
  kubeconfig: Flags.string({
    summary: 'Path to the kubeconfig (default: KUBECONFIG or ~/.kube/config).',
    env: 'KUBECONFIG',
    helpGroup: 'KUBERNETES',
  }),
  context: Flags.string({ summary: 'kubeconfig context to use.', helpGroup: 'KUBERNETES' }),
};

export const secretFlags = {
  secret: Flags.string({
    summary: 'Write the credential to this Kubernetes Secret (server-side apply) instead of printing it.',
    helpGroup: 'KUBERNETES',
  }),
  namespace: Flags.string({ summary: 'Namespace of --secret.', default: 'default', helpGroup: 'KUBERNETES' }),
  ...kubeFlags,
};

export const idArg = { description: 'Numeric ID of the credential.' };
