/**
 * Raw JSON GETs and watch streams against the apiserver, with the kubeconfig's TLS and auth.
 *
 * Why not the typed clients: a list through a typed API is deserialised into models (Dates,
 * renamed keys) while a watch hands out plain JSON, so one cache would hold two shapes of the
 * same object; custom resources have no model at all. And client-node 1.4's `Watch` gives its
 * AbortController back only once the response headers arrived, so a connection that hangs
 * before them cannot be cut. Here both are plain JSON and every request has a deadline.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** An answer other than 2xx, with the apiserver's Status reason and message (never a body). */
export class KubeHttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

interface Prepared {
  url: URL;
  options: https.RequestOptions;
  transport: typeof https | typeof http;
}

async function prepare(kubeConfig: KubeConfig, path: string, query: Query): Promise<Prepared> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kubeConfig.applyToHTTPSOptions(options);
  return { url, options, transport: url.protocol === 'http:' ? http : https };
}

/** Only the Status' reason and message: they name the resource and verb, never data. */
function errorFrom(statusCode: number | undefined, body: string, path: string): KubeHttpError {
  let reason: string | undefined;
  let message = `GET ${path}: HTTP ${statusCode}`;
  try {
    const status = JSON.parse(body) as { reason?: string; message?: string };
    reason = status.reason;
    if (status.message) message += `: ${status.message}`;
  } catch {
    // not a Status: keep the code only
  }
  return new KubeHttpError(message, statusCode, reason);
}

export interface GetOptions {
  /** The whole request, connection to last byte. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** One GET answered with JSON, bounded by `timeoutMs` and the caller's signal. */
export async function kubeGetJSON<T>(kubeConfig: KubeConfig, path: string, query: Query, options: GetOptions): Promise<T> {
  const prepared = await prepare(kubeConfig, path, query);
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
    : AbortSignal.timeout(options.timeoutMs);
  return new Promise<T>((resolve, reject) => {
    const req = prepared.transport.request(prepared.url, { ...prepared.options, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const code = res.statusCode ?? 0;
        if (code < 200 || code > 299) return reject(errorFrom(res.statusCode, body, path));
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          reject(new KubeHttpError(`GET ${path}: answer is not JSON`, code, undefined));
        }
      });
    });
    req.on('error', (error) =>
      reject(
        signal.aborted && !options.signal?.aborted
          ? new KubeHttpError(`GET ${path}: no answer within ${options.timeoutMs} ms`, undefined, 'Timeout')
          : error,
      ),
    );
    req.end();
  });
}

export interface StreamOptions {
  /**
   * The longest silence (no byte at all) before the stream is cut as dead: covers a connection
   * that never answers and one that stalls. Must exceed the server-side watch timeout.
   */
  idleTimeoutMs: number;
  signal: AbortSignal;
  /** Called once the apiserver answered 200. */
  onOpen?: () => void;
  onLine: (line: string) => void;
}

/**
 * A GET whose answer is newline-delimited JSON (a watch). Resolves when the server ends the
 * stream (its timeoutSeconds), rejects on a non-200 answer, a network error or idleness; an
 * abort through the signal resolves (the caller asked for it).
 */
export async function kubeStreamLines(kubeConfig: KubeConfig, path: string, query: Query, options: StreamOptions): Promise<void> {
  const prepared = await prepare(kubeConfig, path, query);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (error && !options.signal.aborted) reject(error);
      else resolve();
    };
    const onAbort = () => finish();
    const req = prepared.transport.request(prepared.url, prepared.options, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish(errorFrom(res.statusCode, Buffer.concat(chunks).toString('utf8'), path)));
        res.on('error', finish);
        return;
      }
      options.onOpen?.();
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let newline = pending.indexOf('\n');
        while (newline >= 0 && !settled) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          try {
            if (line) options.onLine(line);
          } catch (error) {
            // the consumer refuses the stream (an ERROR event): end it with that error
            finish(error instanceof Error ? error : new Error(String(error)));
          }
          newline = pending.indexOf('\n');
        }
      });
      res.on('end', () => finish());
      res.on('error', finish);
      res.on('close', () => finish());
    });
    // A socket idle this long is dead, whether before the headers or in the middle of the stream.
    req.setTimeout(options.idleTimeoutMs, () =>
      finish(new KubeHttpError(`watch ${path}: silent for ${options.idleTimeoutMs} ms`, undefined, 'Timeout')),
    );
    req.on('error', finish);
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) finish();
    req.end();
  });
}
