import { AuthenticationV1Api, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '../src/vitest.js';
import { eventually, kubeStatus, statusOf } from './helpers.js';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('identities and RBAC', () => {
  const ns = useNamespace('rbac');

  it('authenticates the admin kubeconfig as a member of system:masters', async () => {
    const review = await testEnv().kubeConfig.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.groups).toContain('system:masters');
  });

  it('denies a ServiceAccount without a rule (403), then allows it once a Role and RoleBinding exist', async () => {
    const env = testEnv();
    const reader = await env.kubeconfigFor({ serviceAccount: { namespace: ns.name, name: 'secret-reader' } });
    const asReader = reader.kubeConfig.makeApiClient(CoreV1Api);

    const denied = await failure(asReader.listNamespacedSecret({ namespace: ns.name }));
    expect(statusOf(denied)).toBe(403);
    expect(kubeStatus(denied).message).toContain(
      `User "system:serviceaccount:${ns.name}:secret-reader" cannot list resource "secrets" in API group "" in the namespace "${ns.name}"`,
    );

    const rbac = env.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns.name,
      body: { metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns.name,
      body: {
        metadata: { name: 'secret-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'secret-reader', namespace: ns.name }],
      },
    });
    // The authorizer reads RBAC objects from an informer cache, so allow it a moment.
    const list = await eventually(() => asReader.listNamespacedSecret({ namespace: ns.name }));
    expect(list.items).toEqual([]);
    // The Role grants reading only.
    const write = await failure(asReader.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'x' } } }));
    expect(statusOf(write)).toBe(403);
  });

  it('issues a user identity whose groups RBAC can bind to', async () => {
    const env = testEnv();
    const alice = await env.kubeconfigFor({ user: 'alice', groups: ['platform-team'] });
    const review = await alice.kubeConfig.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe('alice');
    expect(review.status?.userInfo?.groups).toEqual(['platform-team', 'system:authenticated']);

    const asAlice = alice.kubeConfig.makeApiClient(CoreV1Api);
    expect(statusOf(await failure(asAlice.listNamespacedConfigMap({ namespace: ns.name })))).toBe(403);
    // Not the built-in `view`: aggregated ClusterRoles stay empty without kube-controller-manager.
    const rbac = env.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns.name,
      body: { metadata: { name: 'configmap-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns.name,
      body: {
        metadata: { name: 'platform-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'platform-team' }],
      },
    });
    await eventually(() => asAlice.listNamespacedConfigMap({ namespace: ns.name }));
  });

  it('rejects a malformed identity naming the field, before any API call', async () => {
    const env = testEnv();
    await expect(env.kubeconfigFor({ serviceAccount: { namespace: 'Bad_NS', name: 'x' } })).rejects.toThrow(
      /identity\.serviceAccount\.namespace/,
    );
    await expect(env.kubeconfigFor({ user: '' })).rejects.toThrow(/identity\.user must be a non-empty string/);
    await expect(env.kubeconfigFor({ user: 'bob', groups: ['ok', 'bad\nline'] })).rejects.toThrow(/identity\.groups\[1\]/);
  });
});
