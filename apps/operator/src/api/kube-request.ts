/**
 * One raw JSON request to the apiserver with the kubeconfig's credentials. The CRDs go through
 * here and not through client-node's typed API: its models know `x-kubernetes-validations` only
 * as `x_kubernetes_validations` and drop the YAML spelling without an error, CEL rules included.
 */
import { request, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeResponse {
  status: number;
  body: unknown;
}

export async function kubeRequest(
  kubeConfig: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  accept = 'application/json',
): Promise<KubeResponse> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, server);
  const options: RequestOptions = { method, headers: { accept } };
  await kubeConfig.applyToHTTPSOptions(options);
  // A string is sent as it is (YAML for an apply patch); anything else as JSON.
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (payload !== undefined)
    options.headers = { ...options.headers, 'content-type': contentType, 'content-length': Buffer.byteLength(payload) };
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          // Not JSON (a proxy's HTML page, say): hand the text back as it is.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}
