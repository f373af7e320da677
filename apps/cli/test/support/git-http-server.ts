/**
 * A real Git smart-HTTP server for tests: node:http in front of `git http-backend` (CGI) over
 * temp bare repositories, with Basic auth. Nothing is faked: the CLI's git speaks to git.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitHttpServer {
  /** `http(s)://127.0.0.1:<port>/<name>.git` */
  url(name: string): string;
  /** Creates an empty bare repository `<name>.git` (HEAD → main). */
  createRepo(name: string): string;
  /** Requests that reached the server, those refused for bad credentials, and authenticated pushes. */
  stats: { requests: number; refused: number; pushes: number };
  /** The next push is carried out, but its answer is never sent: the connection is cut (a push that landed yet looks failed). */
  dropNextPushAnswer(): void;
  close(): Promise<void>;
}

export async function startGitHttpServer(
  credential: { username: string; password: string },
  options: { tls?: { key: string; cert: string } } = {},
): Promise<GitHttpServer> {
  const root = mkdtempSync(join(tmpdir(), 'glkeys-git-http-'));
  const expected = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
  const stats = { requests: 0, refused: 0, pushes: 0 };
  let dropNext = false;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests += 1;
    if (req.headers.authorization !== expected) {
      stats.refused += 1;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' }).end('unauthorized\n');
      return;
    }
    const push = req.method === 'POST' && req.url?.endsWith('/git-receive-pack') === true;
    if (push) stats.pushes += 1;
    const drop = push && dropNext;
    if (drop) dropNext = false;
    runBackend(root, credential.username, req, res, drop);
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: (name) => `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/${name}.git`,
    createRepo(name) {
      const dir = join(root, `${name}.git`);
      execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', dir]);
      return dir;
    },
    stats,
    dropNextPushAnswer: () => {
      dropNext = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

function runBackend(root: string, user: string, req: IncomingMessage, res: ServerResponse, drop = false): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      // receive-pack (push) is only served to an authenticated user.
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  // CGI output: headers, a blank line, then the body.
  let head = Buffer.alloc(0);
  let started = false;
  if (drop) {
    // The backend runs to the end (the push lands); its answer is thrown away and the connection cut.
    child.stdout.resume();
    child.on('close', () => res.socket?.destroy());
    return;
  }
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    started = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const at = line.indexOf(':');
      const name = line.slice(0, at).trim();
      const value = line.slice(at + 1).trim();
      if (/^status$/i.test(name)) status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!started) res.writeHead(500).end();
    else res.end();
  });
}
