/**
 * A private CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI, for
 * serving the simulator over HTTPS the way a self-managed GitLab with its own CA does.
 * Test material only: short-lived keys in a temp folder that is removed at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** PEM of the CA that signed `cert`: what a client is given as its CA bundle. */
  caCert: string;
  key: string;
  cert: string;
}

export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-sim-tls-'));
  try {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=gitlab-sim test CA',
    );
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    );
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { caCert: read('ca.crt'), key: read('server.key'), cert: read('server.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
