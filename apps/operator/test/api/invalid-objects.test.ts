// Each object breaks one rule; the apiserver must refuse it with that rule's own message at that
// field. The YAML from config/crd is what is installed.
import { createTestNamespace, testEnv } from '@glkeys/kube-testenv/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/apply-crds.js';
import { causesOf, createObject, crdsFromDisk, type Kind } from '../support/crds.js';

const auth = { token: { secretRef: { name: 'gitlab-api', key: 'token' } } };
const token = { projectID: '42', scopes: ['read_repository'], auth, target: { name: 'deploy-token' } };
const key = { projectID: 'group/project', auth, target: { name: 'flux-system' } };

interface Case {
  kind: Kind;
  spec: Record<string, unknown>;
  field: string;
  message: string;
}

const T = (spec: Record<string, unknown>, field: string, message: string): Case => ({
  kind: 'GitlabDeployToken',
  spec: { ...token, ...spec },
  field,
  message,
});
const K = (spec: Record<string, unknown>, field: string, message: string): Case => ({
  kind: 'GitlabDeployKey',
  spec: { ...key, ...spec },
  field,
  message,
});
const { projectID: _, ...tokenWithoutProject } = token;

const cases: Record<string, Case> = {
  'projectID and groupID': T({ groupID: '7' }, 'spec', 'set exactly one of projectID or groupID'),
  'neither projectID nor groupID': {
    kind: 'GitlabDeployToken',
    spec: tokenWithoutProject,
    field: 'spec',
    message: 'set exactly one of projectID or groupID',
  },
  'an empty projectID': T({ projectID: '' }, 'spec.projectID', 'should be at least 1 chars long'),
  'a URL as projectID': T({ projectID: 'https://gitlab.com/group/project' }, 'spec.projectID', 'should match'),
  'a pre-escaped path': T({ projectID: 'group%2Fproject' }, 'spec.projectID', 'should match'),
  'no scopes': T({ scopes: [] }, 'spec.scopes', 'should have at least 1 items'),
  'an unknown scope': T({ scopes: ['api'] }, 'spec.scopes[0]', 'Unsupported value: "api"'),
  'a scope twice': T({ scopes: ['read_registry', 'read_registry'] }, 'spec.scopes[1]', 'Duplicate value: "read_registry"'),
  'a virtual-registry scope on a group': {
    kind: 'GitlabDeployToken',
    spec: { ...tokenWithoutProject, groupID: 'group', scopes: ['read_virtual_registry'] },
    field: 'spec.scopes',
    message: 'read_virtual_registry and write_virtual_registry exist only for project deploy tokens',
  },
  'expiresAt and expiresAfter': T(
    { expiresAt: '2030-01-01T00:00:00Z', expiresAfter: '720h' },
    'spec.expiresAfter',
    'set expiresAt or expiresAfter, not both',
  ),
  'expiresAt that is not a date-time': T({ expiresAt: 'next tuesday' }, 'spec.expiresAt', 'must be of type date-time'),
  'expiresAfter under 24h': T({ expiresAfter: '23h59m' }, 'spec.expiresAfter', 'expiresAfter must be at least 24h'),
  'expiresAfter in months': T({ expiresAfter: '3mo' }, 'spec.expiresAfter', 'should match'),
  'expiresAfter half a day': T({ expiresAfter: '0.5d' }, 'spec.expiresAfter', 'expiresAfter must be at least 24h'),
  'refreshInterval under 1m': T({ refreshInterval: '59s' }, 'spec.refreshInterval', 'refreshInterval must be at least 1m'),
  'verifyInterval under 1m': T({ verifyInterval: '500ms' }, 'spec.verifyInterval', 'verifyInterval must be at least 1m'),
  'a refreshInterval that is no duration': T({ refreshInterval: '1 hour', gracePeriod: '5m' }, 'spec.refreshInterval', 'should match'),
  'a negative gracePeriod': T({ gracePeriod: '-5m' }, 'spec.gracePeriod', 'should match'),
  'rotateBefore without an expiry': T({ rotateBefore: '24h' }, 'spec.rotateBefore', 'rotateBefore needs expiresAt or expiresAfter'),
  'rotateBefore as long as expiresAfter': T(
    { expiresAfter: '720h', rotateBefore: '720h' },
    'spec.rotateBefore',
    'rotateBefore must be shorter than expiresAfter',
  ),
  'rotateBefore longer than refreshInterval': T(
    { expiresAfter: '720h', refreshInterval: '24h', rotateBefore: '48h' },
    'spec.rotateBefore',
    'rotateBefore must be shorter than refreshInterval',
  ),
  'gracePeriod as long as refreshInterval': T(
    { refreshInterval: '1h', gracePeriod: '60m' },
    'spec.gracePeriod',
    'gracePeriod must be shorter than refreshInterval',
  ),
  'caBundle with two sources': T(
    { caBundle: { secretRef: { name: 'ca', key: 'ca.crt' }, configMapRef: { name: 'ca', key: 'ca.crt' } } },
    'spec.caBundle',
    'caBundle needs exactly one of secretRef or configMapRef',
  ),
  'caBundle with no source': T({ caBundle: {} }, 'spec.caBundle', 'caBundle needs exactly one of secretRef or configMapRef'),
  'an unknown deletionPolicy': T({ deletionPolicy: 'Delete' }, 'spec.deletionPolicy', 'Unsupported value: "Delete"'),
  'dockerconfigjson without registryHost': T(
    { target: { name: 'pull', format: 'dockerconfigjson' } },
    'spec.target.registryHost',
    'registryHost is required with format dockerconfigjson',
  ),
  'registryHost with format token': T(
    { target: { name: 'pull', registryHost: 'registry.example.com' } },
    'spec.target.registryHost',
    'allowed only with it',
  ),
  'a target name that is no DNS subdomain': T({ target: { name: 'Deploy_Token' } }, 'spec.target.name', 'should match'),
  'a reserved label on the target': T(
    { target: { name: 'x', labels: { 'glkeys.io/owner': 'me' } } },
    'spec.target.labels',
    'labels under glkeys.io/ are written by the operator itself',
  ),
  'a Secret key of ".."': T(
    { auth: { token: { secretRef: { name: 'gitlab-api', key: '..data' } } } },
    'spec.auth.token.secretRef.key',
    "a data key must not be '.' or start with '..'",
  ),
  'an ftp url': T({ url: 'ftp://gitlab.example.com' }, 'spec.url', 'url must be an http or https URL with a host'),
  'a username with a space': T({ username: 'deploy bot' }, 'spec.username', 'should match'),
  'no target': {
    kind: 'GitlabDeployToken',
    spec: { projectID: '42', scopes: ['read_repository'], auth },
    field: 'spec.target',
    message: 'Required value',
  },
  'ecdsaCurve with an rsa key': K(
    { key: { algorithm: 'rsa', ecdsaCurve: 'p256' } },
    'spec.key.ecdsaCurve',
    'ecdsaCurve is only for algorithm ecdsa',
  ),
  'rsaBits with an ecdsa key': K({ key: { rsaBits: 4096 } }, 'spec.key.rsaBits', 'rsaBits is only for algorithm rsa'),
  'rsaBits under 2048': K({ key: { algorithm: 'rsa', rsaBits: 1024 } }, 'spec.key.rsaBits', 'should be greater than or equal to 2048'),
  'a dsa key': K({ key: { algorithm: 'dsa' } }, 'spec.key.algorithm', 'Unsupported value: "dsa"'),
  'sshHost and knownHosts': K(
    { sshHost: 'gitlab.com', knownHosts: 'gitlab.com ssh-ed25519 AAAA' },
    'spec.knownHosts',
    'set sshHost or knownHosts, not both',
  ),
  'an sshHost with a user': K({ sshHost: 'git@gitlab.com' }, 'spec.sshHost', 'should match'),
  'a deploy key without projectID': {
    kind: 'GitlabDeployKey',
    spec: { auth, target: { name: 'x' } },
    field: 'spec.projectID',
    message: 'Required value',
  },
  'a deploy key with expiresAfter of an hour': K({ expiresAfter: '1h' }, 'spec.expiresAfter', 'expiresAfter must be at least 24h'),
};

let namespace: { name: string; delete(): Promise<void> };
beforeAll(async () => {
  const { kubeConfig } = testEnv();
  await applyCrds(kubeConfig, { crds: crdsFromDisk() });
  namespace = await createTestNamespace(kubeConfig, 'invalid');
});
afterAll(() => namespace?.delete());

it('covers at least 20 rules', () => {
  expect(Object.keys(cases).length).toBeGreaterThanOrEqual(20);
});

// Not a schema rule but kubectl's default (strict field validation): a field this kind lacks is
// an error, so an ESO object moved over with a field we dropped is not silently pruned.
it('refuses groupID on a deploy key: unknown fields are errors under strict field validation', async () => {
  const res = await createObject(testEnv().kubeConfig, 'GitlabDeployKey', namespace.name, 'unknown-field', { ...key, groupID: '7' });
  expect(res.status).toBe(400);
  expect((res.body as { message: string }).message).toContain('strict decoding error: unknown field "spec.groupID"');
});

let counter = 0;
it.each(Object.entries(cases))('refuses %s', async (_name, c) => {
  const res = await createObject(testEnv().kubeConfig, c.kind, namespace.name, `invalid-${++counter}`, c.spec);
  const causes = causesOf(res);
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(causes, JSON.stringify(causes)).toContainEqual(
    expect.objectContaining({ field: c.field, message: expect.stringContaining(c.message) }),
  );
  // A bad duration is reported by its pattern alone: the CEL rules guard duration().
  expect(causes.map((cause) => cause.message).join('\n')).not.toContain('evaluating rule');
  // The summary users see in kubectl carries the same words.
  expect((res.body as { message: string }).message).toContain(c.message);
});
