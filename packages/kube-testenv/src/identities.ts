import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { buildKubeConfig, writeKubeconfig } from './kubeconfig.js';
import { issueClientCert, readPem } from './pki.js';
import { httpStatus, withRetry } from './retry.js';

/** Who a kubeconfig authenticates as: a ServiceAccount (token) or a user with groups (client cert). */
export type Identity = { serviceAccount: { namespace: string; name: string } } | { user: string; groups?: string[] };

export interface IdentityKubeconfig {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
}

/** What is needed to mint identities for one running env; also rebuilt inside vitest workers. */
export interface ClusterAccess {
  url: string;
  dataDir: string;
  pkiDir: string;
  caCert: string;
  admin: KubeConfig;
}

/** Lifetime of ServiceAccount tokens: long enough for any test run. */
const tokenSeconds = 24 * 60 * 60;

export async function kubeconfigFor(cluster: ClusterAccess, identity: Identity): Promise<IdentityKubeconfig> {
  const checked = checkIdentity(identity);
  const dir = path.join(cluster.dataDir, 'identities');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const suffix = randomBytes(4).toString('hex');
  const caPem = await readPem(cluster.caCert);

  let kubeConfig: KubeConfig;
  let kubeconfigPath: string;
  if (checked.kind === 'serviceAccount') {
    const { namespace, name } = checked;
    const token = await serviceAccountToken(cluster.admin, namespace, name);
    kubeConfig = buildKubeConfig({
      name: `system:serviceaccount:${namespace}:${name}`,
      server: cluster.url,
      caPem,
      credentials: { token },
      namespace,
    });
    kubeconfigPath = path.join(dir, `sa-${namespace}-${name}-${suffix}.kubeconfig`);
  } else {
    const cert = await issueClientCert(cluster.pkiDir, `user-${suffix}`, checked.user, checked.groups);
    const credentials = { certPem: await readPem(cert.cert), keyPem: await readPem(cert.key) };
    kubeConfig = buildKubeConfig({ name: checked.user, server: cluster.url, caPem, credentials });
    kubeconfigPath = path.join(dir, `user-${suffix}.kubeconfig`);
  }
  await writeKubeconfig(kubeconfigPath, kubeConfig);
  return { kubeconfigPath, kubeConfig };
}

type CheckedIdentity = { kind: 'serviceAccount'; namespace: string; name: string } | { kind: 'user'; user: string; groups: string[] };

/** Validates an identity up front, so bad input fails before any file or API call. */
function checkIdentity(identity: Identity): CheckedIdentity {
  if (identity && typeof identity === 'object' && 'serviceAccount' in identity) {
    const { namespace, name } = identity.serviceAccount ?? ({} as { namespace?: unknown; name?: unknown });
    requireDnsName('identity.serviceAccount.namespace', namespace, 63);
    requireDnsName('identity.serviceAccount.name', name, 253);
    return { kind: 'serviceAccount', namespace, name };
  }
  if (identity && typeof identity === 'object' && 'user' in identity) {
    requireSubjectName('identity.user', identity.user);
    const groups = identity.groups ?? [];
    if (!Array.isArray(groups)) throw new TypeError('kube-testenv: identity.groups must be an array of group names');
    groups.forEach((g, i) => requireSubjectName(`identity.groups[${i}]`, g));
    return { kind: 'user', user: identity.user, groups };
  }
  throw new TypeError('kube-testenv: identity must be { serviceAccount: { namespace, name } } or { user, groups? }');
}

/** Creates the ServiceAccount if missing and asks the TokenRequest API for a bound token. */
async function serviceAccountToken(admin: KubeConfig, namespace: string, name: string): Promise<string> {
  const core = admin.makeApiClient(CoreV1Api);
  await withRetry(`creating ServiceAccount ${namespace}/${name}`, async () => {
    try {
      await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
    } catch (err) {
      if (httpStatus(err) !== 409) throw err; // 409: it exists already, which is what we want
    }
  });
  const request = await withRetry(`requesting a token for ServiceAccount ${namespace}/${name}`, () =>
    core.createNamespacedServiceAccountToken({
      namespace,
      name,
      body: { spec: { audiences: [], expirationSeconds: tokenSeconds } },
    }),
  );
  const token = request.status?.token;
  if (!token) throw new Error(`kube-testenv: the TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
  return token;
}

function requireDnsName(field: string, value: unknown, max: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) {
    throw new TypeError(
      `kube-testenv: ${field} must be a Kubernetes name (lowercase letters, digits, '-' or '.', at most ${max} characters), got ${JSON.stringify(value)}`,
    );
  }
}

// X.509 caps CN and O at 64 characters; control characters would corrupt the subject.
function requireSubjectName(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new TypeError(
      `kube-testenv: ${field} must be a non-empty string of at most 64 printable characters, got ${JSON.stringify(value)}`,
    );
  }
}
