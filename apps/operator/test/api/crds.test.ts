// The CRD YAML from disk on a real apiserver: installed, Established, CEL rules kept, defaults
// filled in, printer columns served.
import { createTestNamespace, testEnv } from '@glkeys/kube-testenv/vitest';
import { ApiextensionsV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/apply-crds.js';
import { kubeRequest } from '../../src/api/kube-request.js';
import { causesOf, createObject, crdsFromDisk, objectPath } from '../support/crds.js';

const auth = { token: { secretRef: { name: 'gitlab-api', key: 'token' } } };
let namespace: { name: string; delete(): Promise<void> };

type Json = Record<string, any>;

function rulesIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => rulesIn(item, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-kubernetes-validations') into.push(...(value as Array<{ rule: string }>).map((v) => v.rule));
      else rulesIn(value, into);
    }
  }
  return into;
}

beforeAll(async () => {
  const { kubeConfig } = testEnv();
  await applyCrds(kubeConfig, { crds: crdsFromDisk() });
  namespace = await createTestNamespace(kubeConfig, 'crds');
});
afterAll(() => namespace?.delete());

describe('the CRDs from config/crd', () => {
  it.each(crdsFromDisk().map((crd) => [(crd.metadata as Json).name as string, crd]))(
    '%s is Established, with every CEL rule stored',
    async (name, crd) => {
      const res = await kubeRequest(testEnv().kubeConfig, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      expect(res.status).toBe(200);
      const stored = res.body as Json;
      expect(stored.status.conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
      const sent = rulesIn(crd);
      expect(sent.length).toBeGreaterThan(5);
      expect(rulesIn(stored.spec).sort()).toEqual(sent.sort());
      expect(stored.spec.names).toMatchObject({ categories: ['glkeys'] });
      expect(stored.spec.versions[0].subresources).toEqual({ status: {} });
    },
  );

  it('applying them again changes nothing (server-side apply is idempotent)', async () => {
    const { kubeConfig } = testEnv();
    const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gitlabdeploytokens.glkeys.io';
    const before = ((await kubeRequest(kubeConfig, 'GET', path)).body as Json).metadata.resourceVersion;
    await applyCrds(kubeConfig, { crds: crdsFromDisk() });
    expect(((await kubeRequest(kubeConfig, 'GET', path)).body as Json).metadata.resourceVersion).toBe(before);
  });

  it('an invalid object is refused by a CEL rule (the rules are live, not just stored)', async () => {
    const res = await createObject(testEnv().kubeConfig, 'GitlabDeployToken', namespace.name, 'both', {
      projectID: '1',
      groupID: '2',
      scopes: ['read_repository'],
      auth,
      target: { name: 't' },
    });
    expect(res.status).toBe(422);
    expect(causesOf(res)).toContainEqual(
      expect.objectContaining({ field: 'spec', message: expect.stringContaining('set exactly one of projectID or groupID') }),
    );
  });
});

// Why applyCrds sends raw JSON: the same YAML through client-node's typed API loses every CEL
// rule without an error. If a client-node upgrade fixes that, this test says so.
it('through client-node 1.4 typed API the same CRD is stored without its CEL rules', async () => {
  const crd = structuredClone(crdsFromDisk()[0]!) as Json;
  crd.metadata = { name: 'gitlabdeploytokens.typed.glkeys.io' };
  crd.spec.group = 'typed.glkeys.io';
  const api = testEnv().kubeConfig.makeApiClient(ApiextensionsV1Api);
  await api.createCustomResourceDefinition({ body: crd as V1CustomResourceDefinition });
  try {
    const stored = await kubeRequest(
      testEnv().kubeConfig,
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gitlabdeploytokens.typed.glkeys.io',
    );
    expect(rulesIn(crd).length).toBeGreaterThan(5);
    expect(rulesIn((stored.body as Json).spec)).toEqual([]);
  } finally {
    await api.deleteCustomResourceDefinition({ name: 'gitlabdeploytokens.typed.glkeys.io' });
  }
});

describe('valid objects', () => {
  it('a GitlabDeployToken gets url, target.format and deletionPolicy defaulted', async () => {
    const res = await createObject(testEnv().kubeConfig, 'GitlabDeployToken', namespace.name, 'registry', {
      projectID: 'group/project',
      scopes: ['read_registry'],
      auth,
      target: { name: 'registry-token' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((res.body as Json).spec).toEqual({
      url: 'https://gitlab.com',
      projectID: 'group/project',
      scopes: ['read_registry'],
      deletionPolicy: 'Revoke',
      auth,
      target: { name: 'registry-token', format: 'token' },
    });
  });

  it('a GitlabDeployToken with every field is kept as written', async () => {
    const spec = {
      url: 'https://gitlab.example.com',
      groupID: '7',
      name: 'ci pulls',
      scopes: ['read_registry', 'read_package_registry'],
      expiresAfter: '30d',
      username: 'puller',
      refreshInterval: '168h',
      rotateBefore: '48h',
      verifyInterval: '1h30m',
      gracePeriod: '10m',
      caBundle: { configMapRef: { name: 'corp-ca', key: 'ca.crt' } },
      deletionPolicy: 'Orphan',
      auth,
      target: {
        name: 'pull-secret',
        format: 'dockerconfigjson',
        registryHost: 'registry.gitlab.example.com:5050',
        labels: { team: 'a' },
        annotations: { note: 'x' },
      },
    };
    const res = await createObject(testEnv().kubeConfig, 'GitlabDeployToken', namespace.name, 'full', spec);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((res.body as Json).spec).toEqual(spec);
  });

  it('a GitlabDeployKey gets url, canPush, key.algorithm, key.ecdsaCurve and deletionPolicy defaulted', async () => {
    const res = await createObject(testEnv().kubeConfig, 'GitlabDeployKey', namespace.name, 'flux', {
      projectID: '42',
      auth,
      target: { name: 'flux-system' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((res.body as Json).spec).toEqual({
      url: 'https://gitlab.com',
      projectID: '42',
      canPush: false,
      key: { algorithm: 'ecdsa', ecdsaCurve: 'p384' },
      deletionPolicy: 'Revoke',
      auth,
      target: { name: 'flux-system' },
    });
  });

  it('a GitlabDeployKey with key {} gets algorithm ecdsa; an rsa key keeps no curve', async () => {
    const { kubeConfig } = testEnv();
    const empty = await createObject(kubeConfig, 'GitlabDeployKey', namespace.name, 'empty-key', {
      projectID: '42',
      key: {},
      auth,
      target: { name: 's' },
    });
    expect(empty.status, JSON.stringify(empty.body)).toBe(201);
    expect((empty.body as Json).spec.key).toEqual({ algorithm: 'ecdsa' });
    const rsa = await createObject(kubeConfig, 'GitlabDeployKey', namespace.name, 'rsa', {
      projectID: '42',
      key: { algorithm: 'rsa', rsaBits: 4096 },
      sshHost: '[2001:db8::1]:2222',
      canPush: true,
      expiresAt: '2030-01-01T00:00:00Z',
      auth,
      target: { name: 's' },
    });
    expect(rsa.status, JSON.stringify(rsa.body)).toBe(201);
    expect((rsa.body as Json).spec.key).toEqual({ algorithm: 'rsa', rsaBits: 4096 });
  });
});

describe('status and printer columns', () => {
  it('the status subresource takes metav1.Conditions and kubectl get shows the declared columns', async () => {
    const { kubeConfig } = testEnv();
    const created = await createObject(kubeConfig, 'GitlabDeployToken', namespace.name, 'columns', {
      projectID: '42',
      scopes: ['read_repository'],
      auth,
      target: { name: 'repo-token' },
    });
    expect(created.status).toBe(201);
    const status = {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: 1,
          lastTransitionTime: '2026-01-01T00:00:00Z',
          reason: 'TokenReady',
          message: 'token 17 is live',
        },
      ],
      credential: {
        id: 17,
        username: 'gitlab+deploy-token-17',
        name: 'x glkeys:0123456789ab/g1',
        createdAt: '2026-01-01T00:00:00Z',
        expiresAt: '2026-02-01T00:00:00Z',
      },
      lastRotation: '2026-01-01T00:00:00Z',
      nextCheck: '2026-01-01T01:00:00Z',
      pendingRevocations: [{ id: 16, revokeAfter: '2026-01-01T00:10:00Z' }],
    };
    const path = objectPath('GitlabDeployToken', namespace.name, 'columns');
    const patched = await kubeRequest(kubeConfig, 'PATCH', `${path}/status`, { status }, 'application/merge-patch+json');
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((patched.body as Json).status).toEqual(status);

    // What `kubectl get gldt` asks for: the server-side Table built from additionalPrinterColumns.
    const res = await kubeRequest(kubeConfig, 'GET', path, undefined, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    const table = res.body as Json;
    expect(table.columnDefinitions.map((c: Json) => c.name)).toEqual([
      'Name',
      'Ready',
      'Target',
      'Credential',
      'Expires',
      'Next check',
      'Age',
    ]);
    expect(table.rows[0].cells.slice(0, 6)).toEqual(['columns', 'True', 'repo-token', 17, '2026-02-01T00:00:00Z', '2026-01-01T01:00:00Z']);
  });
});
