import { ApiextensionsV1Api, CustomObjectsApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '../src/vitest.js';
import { eventually, kubeStatus, statusOf } from './helpers.js';

const group = 'testenv.glkeys.io';
const plural = 'rotationpolicies';

// A structural schema plus a CEL rule across two fields, the kind an operator's CRD carries.
const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'rotationpolicy', kind: 'RotationPolicy', listKind: 'RotationPolicyList' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['rotateAfterDays', 'expireAfterDays'],
                properties: {
                  rotateAfterDays: { type: 'integer', minimum: 1 },
                  expireAfterDays: { type: 'integer', minimum: 1 },
                },
                // client-node spells x-kubernetes-validations this way and renames it on the wire.
                x_kubernetes_validations: [
                  { rule: 'self.rotateAfterDays < self.expireAfterDays', message: 'rotateAfterDays must be less than expireAfterDays' },
                ],
              },
            },
          },
        },
      },
    ],
  },
};

describe('CustomResourceDefinition with a CEL validation rule', () => {
  const ns = useNamespace('crd');
  let objects: CustomObjectsApi;

  beforeAll(async () => {
    const kc = testEnv().kubeConfig;
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: crd });
    await eventually(async () => {
      const got = await ext.readCustomResourceDefinition({ name: crd.metadata!.name! });
      const established = got.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status !== 'True') throw new Error('CRD not Established yet');
    });
    objects = kc.makeApiClient(CustomObjectsApi);
  });

  const create = (name: string, spec: Record<string, unknown>) =>
    // A just-established CRD may still 404 for a moment while the handler is installed.
    eventually(async () => {
      try {
        return await objects.createNamespacedCustomObject({
          group,
          version: 'v1alpha1',
          namespace: ns.name,
          plural,
          body: { apiVersion: `${group}/v1alpha1`, kind: 'RotationPolicy', metadata: { name }, spec },
        });
      } catch (err) {
        if (statusOf(err) === 404) throw err;
        return { rejected: err };
      }
    }, 10_000);

  it('refuses an object that breaks the CEL rule with the apiserver message', async () => {
    const result = (await create('backwards', { rotateAfterDays: 90, expireAfterDays: 30 })) as { rejected?: unknown };
    expect(result.rejected).toBeDefined();
    expect(statusOf(result.rejected)).toBe(422);
    const status = kubeStatus(result.rejected);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toContain('RotationPolicy.testenv.glkeys.io "backwards" is invalid');
    expect(status.message).toContain('rotateAfterDays must be less than expireAfterDays');
  });

  it('refuses an object that breaks the structural schema', async () => {
    const result = (await create('negative', { rotateAfterDays: -1, expireAfterDays: 30 })) as { rejected?: unknown };
    expect(statusOf(result.rejected)).toBe(422);
    expect(kubeStatus(result.rejected).message).toContain('spec.rotateAfterDays: Invalid value: -1');
  });

  it('accepts a valid object and stores it', async () => {
    const created = (await create('weekly', { rotateAfterDays: 7, expireAfterDays: 30 })) as {
      rejected?: unknown;
      metadata?: { uid?: string };
    };
    expect(created.rejected).toBeUndefined();
    const read = (await objects.getNamespacedCustomObject({ group, version: 'v1alpha1', namespace: ns.name, plural, name: 'weekly' })) as {
      spec: unknown;
    };
    expect(read.spec).toEqual({ rotateAfterDays: 7, expireAfterDays: 30 });
  });
});
