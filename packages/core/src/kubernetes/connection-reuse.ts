/**
 * Keep-alive connections to the apiserver, shared by every call made through one KubeConfig.
 *
 * Why: client-node 1.4 builds a new https.Agent for every request (`applySecurityAuthentication`
 * and `applyToHTTPSOptions` both call its `createAgent`), so each call opens a new TCP and TLS
 * connection and parses the CA and client key again. A controller making thousands of calls
 * pays a handshake each time, and the TLS state it leaves behind is native memory V8 does not
 * count, so garbage collection does not hurry to free it: the operator's resident memory grew
 * by ~40 KB per object converged. Here an agent is made once per distinct set of connection
 * options (server, CA, client certificate, proxy, TLS settings) and reused with keep-alive.
 *
 * Credentials carried in headers (bearer tokens, exec plugins' tokens) are applied per request
 * as before, so a refreshed ServiceAccount token is still picked up. A changed client
 * certificate or CA gives a new fingerprint, hence a new agent; the oldest agents beyond
 * `maxAgents` stop keeping connections and close their idle ones.
 */
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

interface AgentFactory {
  createAgent(cluster: unknown, agentOptions: Record<string, unknown>): Agent;
}

const REUSING = Symbol.for('glkeys.kubernetes.reuseConnections');

export interface ReuseConnectionsOptions {
  /** Distinct connection settings kept at once (a rotated client certificate is a new one). Default 4. */
  maxAgents?: number;
}

/**
 * Makes every request through `kubeConfig` reuse keep-alive connections. Idempotent; returns the
 * same KubeConfig. `loadKubeConfig` applies it; call it on a KubeConfig built another way.
 */
export function reuseConnections(kubeConfig: KubeConfig, options: ReuseConnectionsOptions = {}): KubeConfig {
  const marked = kubeConfig as unknown as Record<symbol, true | undefined>;
  if (marked[REUSING]) return kubeConfig;
  const factory = kubeConfig as unknown as AgentFactory;
  if (typeof factory.createAgent !== 'function') return kubeConfig; // a client-node without the hook: unchanged behaviour
  const create = factory.createAgent.bind(kubeConfig);
  const maxAgents = Math.max(1, options.maxAgents ?? 4);
  const agents = new Map<string, Agent>();
  factory.createAgent = (cluster, agentOptions) => {
    const key = fingerprint(cluster, agentOptions);
    const known = agents.get(key);
    if (known) {
      agents.delete(key); // most recently used goes last
      agents.set(key, known);
      return known;
    }
    const agent = create(cluster, { ...agentOptions, keepAlive: true });
    agents.set(key, agent);
    for (const [oldKey, old] of agents) {
      if (agents.size <= maxAgents) break;
      agents.delete(oldKey);
      retire(old);
    }
    return agent;
  };
  marked[REUSING] = true;
  return kubeConfig;
}

/** In-flight requests (a watch) finish on their socket; nothing is kept alive after them. */
function retire(agent: Agent): void {
  (agent as Agent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}

/** A digest of everything that decides where and how a connection is made (key material hashed, never kept). */
function fingerprint(cluster: unknown, agentOptions: Record<string, unknown>): string {
  const hash = createHash('sha256');
  const c = (cluster ?? {}) as { server?: string; proxyUrl?: string; skipTLSVerify?: boolean; tlsServerName?: string };
  hash.update(JSON.stringify([c.server, c.proxyUrl, c.skipTLSVerify, c.tlsServerName]));
  for (const name of Object.keys(agentOptions).sort()) {
    const value = agentOptions[name];
    if (value === undefined) continue;
    hash.update(`\0${name}=`);
    if (Buffer.isBuffer(value) || typeof value === 'string') hash.update(value);
    else if (Array.isArray(value)) for (const item of value) hash.update(Buffer.isBuffer(item) ? item : JSON.stringify(item));
    else hash.update(JSON.stringify(value) ?? typeof value); // functions (checkServerIdentity): by kind only
  }
  return hash.digest('hex');
}
