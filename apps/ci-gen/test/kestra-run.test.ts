import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { tempProject, type Project } from './helpers/gitlab-ci-local.js';

/**
 * Stands in for /app/kestra, which only exists in Kestra's image: it sends its own command line
 * to the server named by --server, as the real CLI talks to that server, and fails when the
 * server does not answer 200.
 */
const KESTRA_STANDIN = `#!/usr/bin/env node
const argv = process.argv.slice(2);
const server = argv[argv.indexOf('--server') + 1];
fetch(server + '/api/v1/cli-standin', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ argv, cwd: process.cwd() }),
}).then((res) => process.exit(res.status === 200 ? 0 : 3), () => process.exit(4));
`;

interface Received {
  method: string;
  url: string;
  argv: string[];
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

describe('a generated Kestra 1.x validate job, run for real by gitlab-ci-local', () => {
  const received: Received[] = [];
  let server: Server;
  let host: string;
  let project: Project;
  const token = 'kestra-validate-token-0123456789';

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ method: req.method ?? '', url: req.url ?? '', argv: (JSON.parse(body) as { argv: string[] }).argv });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    project = await tempProject();
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await project.remove();
  });

  it('calls the Kestra CLI with the flows dir, --server, the token from the variable and --tenant', async () => {
    const cli = join(project.dir, 'bin', 'kestra');
    await project.write('bin/kestra', KESTRA_STANDIN, 0o755);
    await project.write('kestra/flows/company.team/hello.yml', 'id: hello\nnamespace: company.team\ntasks: []\n');
    const { yaml } = generate({
      preset: 'kestra',
      options: { kestraVersion: '1.0.4', host, tenant: 'main', namespaces: ['company.team'], kestraCli: cli },
    });
    expect(yaml).not.toContain(token);
    await project.write('.gitlab-ci.yml', yaml);

    // The token reaches the job the way GitLab hands it over: as a CI/CD variable.
    const run = await project.gcl(['--force-shell-executor', '--variable', `KESTRA_VALIDATE_API_TOKEN=${token}`, 'kestra-validate']);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe('POST');
    expect(received[0]?.argv).toEqual(['flow', 'validate', './kestra/flows', '--server', host, '--api-token', token, '--tenant', 'main']);
  });

  it('fails the job when the Kestra server refuses, so the check above can fail', async () => {
    const refusing = createServer((_req, res) => res.writeHead(401).end());
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const deadHost = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const { yaml } = generate({
        preset: 'kestra',
        options: { kestraVersion: '1.0.4', host: deadHost, namespaces: ['company.team'], kestraCli: join(project.dir, 'bin', 'kestra') },
      });
      await project.write('.gitlab-ci.yml', yaml);
      const run = await project.gcl(['--force-shell-executor', '--variable', `KESTRA_VALIDATE_API_TOKEN=${token}`, 'kestra-validate']);
      expect(run.code).not.toBe(0);
    } finally {
      await new Promise((resolve) => refusing.close(resolve));
    }
  });
});
