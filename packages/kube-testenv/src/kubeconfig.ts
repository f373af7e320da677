import { writeFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';

export type Credentials = { certPem: string; keyPem: string } | { token: string };

export interface KubeconfigSpec {
  /** Name used for the cluster, user and context entries. */
  name: string;
  server: string;
  caPem: string;
  credentials: Credentials;
  /** Default namespace of the context (a ServiceAccount's own namespace). */
  namespace?: string;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Builds a self-contained KubeConfig (certificates embedded, no file references). */
export function buildKubeConfig(spec: KubeconfigSpec): KubeConfig {
  const kc = new KubeConfig();
  const user =
    'token' in spec.credentials
      ? { name: spec.name, token: spec.credentials.token }
      : { name: spec.name, certData: b64(spec.credentials.certPem), keyData: b64(spec.credentials.keyPem) };
  kc.loadFromOptions({
    clusters: [{ name: 'kube-testenv', server: spec.server, caData: b64(spec.caPem), skipTLSVerify: false }],
    users: [user],
    contexts: [{ name: spec.name, cluster: 'kube-testenv', user: spec.name, ...(spec.namespace ? { namespace: spec.namespace } : {}) }],
    currentContext: spec.name,
  });
  return kc;
}

/** Writes the kubeconfig owner-readable only: it holds a private key or a token. */
export async function writeKubeconfig(file: string, kc: KubeConfig): Promise<void> {
  await writeFile(file, `${kc.exportConfig()}\n`, { mode: 0o600 });
}
