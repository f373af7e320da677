/**
 * A local HTTP(S) server that answers from a script, one step per request, and records what
 * it received. Used to exercise the transport's retry rules exactly; GitLab behaviour itself
 * is tested against @glkeys/gitlab-sim.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Step = { status: number; body?: unknown; headers?: Record<string, string> } | { reset: true } | { hang: true };

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ScriptedServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startScriptedServer(steps: Step[], tls?: { key: string; cert: string }): Promise<ScriptedServer> {
  const received: Received[] = [];
  const queue = [...steps];
  const hanging = new Set<ServerResponse>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const step = queue.shift() ?? { status: 200, body: {} };
      if ('reset' in step) {
        req.socket.destroy();
        return;
      }
      if ('hang' in step) {
        hanging.add(res);
        return;
      }
      const payload = step.body === undefined ? '' : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      res.writeHead(step.status, {
        'content-type': typeof step.body === 'string' ? 'text/plain' : 'application/json',
        ...step.headers,
      });
      res.end(payload);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
