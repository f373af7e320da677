/** Calls through a KubeConfig from loadKubeConfig share keep-alive connections (real apiserver). */
import tls from 'node:tls';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { loadKubeConfig, reuseConnections } from '../../src/kubernetes/index.js';

const ns = useNamespace('reuse');

/** Counts TLS connections opened (https.Agent opens them through tls.connect). */
function countConnections(): { count: () => number; restore: () => void } {
  const connect = tls.connect;
  let opened = 0;
  (tls as { connect: unknown }).connect = (...args: unknown[]) => {
    opened += 1;
    return (connect as (...a: unknown[]) => tls.TLSSocket)(...args);
  };
  return { count: () => opened, restore: () => ((tls as { connect: unknown }).connect = connect) };
}

let counter: ReturnType<typeof countConnections> | undefined;
afterEach(() => counter?.restore());

async function readTwentyTimes(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (let i = 0; i < 20; i++) await core.readNamespace({ name: ns.name });
}

describe('reuseConnections', () => {
  it('should open a new TLS connection per call without it (client-node 1.4 as shipped)', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(testEnv().kubeconfigPath);
    counter = countConnections();
    await readTwentyTimes(kc);
    expect(counter.count()).toBe(20);
  });

  it('should make 20 sequential calls over one connection through loadKubeConfig', async () => {
    const kc = loadKubeConfig({ kubeconfig: testEnv().kubeconfigPath });
    counter = countConnections();
    await readTwentyTimes(kc);
    expect(counter.count()).toBe(1);
  });

  it('should share connections between typed clients and raw requests, and be idempotent', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(testEnv().kubeconfigPath);
    expect(reuseConnections(reuseConnections(kc))).toBe(kc);
    counter = countConnections();
    await readTwentyTimes(kc);
    const options: { agent?: unknown } = {};
    await kc.applyToHTTPSOptions(options);
    const again: { agent?: unknown } = {};
    await kc.applyToHTTPSOptions(again);
    expect(again.agent).toBe(options.agent);
    await Promise.all(Array.from({ length: 5 }, () => kc.makeApiClient(CoreV1Api).readNamespace({ name: ns.name })));
    // Five at once need five sockets at most; the first one is reused.
    expect(counter.count()).toBeLessThanOrEqual(5);
  });

  it('should make a new agent when the client certificate changes, and keep at most maxAgents', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(testEnv().kubeconfigPath);
    reuseConnections(kc, { maxAgents: 1 });
    const first: { agent?: { keepAlive?: boolean } } = {};
    await kc.applyToHTTPSOptions(first);
    const cluster = kc.getCurrentCluster() as { tlsServerName?: string };
    // Another TLS server name stands for another connection setting (no second certificate needed).
    Object.assign(cluster, { tlsServerName: 'kubernetes.default' });
    const second: { agent?: { keepAlive?: boolean } } = {};
    await kc.applyToHTTPSOptions(second);
    expect(second.agent).not.toBe(first.agent);
    expect(first.agent?.keepAlive).toBe(false); // retired: closes its connections once idle
    expect(second.agent?.keepAlive).toBe(true);
  });
});
