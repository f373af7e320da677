import type { Pki } from './pki.js';

/** etcd as a single member on loopback; fsync off because the data is thrown away. */
export function etcdArgs(opts: { dataDir: string; clientPort: number; peerPort: number }): string[] {
  const client = `http://127.0.0.1:${opts.clientPort}`;
  const peer = `http://127.0.0.1:${opts.peerPort}`;
  return [
    '--name=testenv',
    `--data-dir=${opts.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=testenv=${peer}`,
    '--initial-cluster-state=new',
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

/**
 * kube-apiserver close to envtest's defaults: loopback only, RBAC on, a service-account
 * issuer so the TokenRequest API works. The ServiceAccount admission plugin is off because
 * nothing creates the `default` ServiceAccount without kube-controller-manager.
 */
export function apiserverArgs(opts: { pki: Pki; etcdClientPort: number; securePort: number; extra: readonly string[] }): string[] {
  const { pki } = opts;
  return [
    `--etcd-servers=http://127.0.0.1:${opts.etcdClientPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${opts.securePort}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--disable-admission-plugins=ServiceAccount',
    '--profiling=false',
    ...opts.extra,
  ];
}

/**
 * kube-controller-manager with the admin identity (system:masters) and no serving port,
 * for tests that need garbage collection, namespace finalization or the default
 * ServiceAccount.
 */
export function controllerManagerArgs(opts: { pki: Pki; kubeconfigPath: string }): string[] {
  return [
    `--kubeconfig=${opts.kubeconfigPath}`,
    '--secure-port=0',
    '--leader-elect=false',
    '--use-service-account-credentials=false',
    `--service-account-private-key-file=${opts.pki.serviceAccountKey}`,
    `--root-ca-file=${opts.pki.caCert}`,
    `--cluster-signing-cert-file=${opts.pki.caCert}`,
    `--cluster-signing-key-file=${opts.pki.caKey}`,
  ];
}
