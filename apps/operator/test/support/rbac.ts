// Roles and bindings for RBAC-limited identities in tests: grant, revoke, grant back.
import { type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';

export interface Grant {
  namespace: string;
  serviceAccount: string;
  name: string;
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

export async function createRole(admin: KubeConfig, grant: Grant): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace: grant.namespace, body: { metadata: { name: grant.name }, rules: grant.rules } });
  await bind(admin, grant);
}

export async function bind(admin: KubeConfig, grant: Grant): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRoleBinding({
    namespace: grant.namespace,
    body: {
      metadata: { name: grant.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: grant.name },
      subjects: [{ kind: 'ServiceAccount', name: grant.serviceAccount, namespace: grant.namespace }],
    },
  });
}

export async function unbind(admin: KubeConfig, grant: Grant): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.deleteNamespacedRoleBinding({ namespace: grant.namespace, name: grant.name });
}
