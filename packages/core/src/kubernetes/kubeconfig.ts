/**
 * Loads a kubeconfig the way kubectl does (a file, KUBECONFIG, ~/.kube/config, in-cluster) and picks a
 * context. Its requests reuse keep-alive connections (see connection-reuse.ts).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';
import { reuseConnections } from './connection-reuse.js';

export function loadKubeConfig(options: { kubeconfig?: string | undefined; context?: string | undefined } = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw unreadable(options.kubeconfig, error);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ValidationError(
        'context',
        'known context',
        `context: ${shown(options.context)} is not in the kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ValidationError(
      'kubeconfig',
      'a cluster',
      'kubeconfig: no current cluster; name a kubeconfig file or a context, or set KUBECONFIG',
    );
  }
  const cluster = kc.getCurrentCluster()!;
  // The client refuses this at the first request with words that do not say what to change.
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new ValidationError(
      'kubeconfig',
      'an https:// server',
      `kubeconfig: cluster ${shown(cluster.name)} has the plain-HTTP server ${shown(cluster.server)}; the Kubernetes client talks to an http:// apiserver only when that cluster sets insecure-skip-tls-verify: true. Use the apiserver's https:// address, or pick another --context`,
    );
  }
  return reuseConnections(kc);
}

/**
 * A kubeconfig that cannot be read or parsed. Only the path and the system error code are
 * kept: a parser's message may quote the file, and a kubeconfig holds tokens and client keys.
 */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

function unreadable(file: string | undefined, error: unknown): ValidationError {
  const code = (error as { code?: unknown } | null)?.code;
  const where = file ? shown(file) : process.env['KUBECONFIG'] ? `KUBECONFIG (${process.env['KUBECONFIG']})` : 'the default kubeconfig';
  const why =
    typeof code === 'string' && /^E[A-Z]+$/.test(code)
      ? `cannot be read: ${FILE_ERRORS[code] ?? code} (${code})`
      : 'is not a valid kubeconfig (YAML with clusters, users and contexts)';
  return new ValidationError(
    'kubeconfig',
    'a readable kubeconfig',
    `kubeconfig: ${where} ${why}; name a kubeconfig file, or set KUBECONFIG`,
  );
}
