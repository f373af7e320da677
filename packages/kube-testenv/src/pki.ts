import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Files of a test cluster's PKI. One CA signs both the serving certificate and the client
 * certificates (as envtest does): there is nothing to keep apart in a throwaway cluster.
 */
export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  /** Service-account token signer (private) and verifier (public). */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export interface ClientCert {
  cert: string;
  key: string;
}

const opensslConfig = `[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
`;

const validityDays = '3650';

/** Creates the CA, apiserver serving cert and service-account key pair with the openssl CLI. */
export async function createPki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  await writeFile(file('openssl.cnf'), opensslConfig);
  await openssl([
    'req',
    '-x509',
    '-config',
    file('openssl.cnf'),
    '-extensions',
    'ca_ext',
    ...ecKey(),
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    validityDays,
    '-subj',
    '/CN=glkeys-kube-testenv-ca',
  ]);
  await signLeaf(dir, 'apiserver', '/CN=kube-apiserver', [
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    'subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, IP:10.0.0.1',
  ]);
  // Node can create keys (not certificates), which saves two openssl runs here.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(file('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(file('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    dir,
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    servingCert: file('apiserver.crt'),
    servingKey: file('apiserver.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPub: file('sa.pub'),
  };
}

/**
 * Issues a client certificate; Kubernetes reads the user name from CN and the groups from
 * the O attributes, so `system:masters` in O makes a cluster admin.
 */
export async function issueClientCert(pkiDir: string, fileStem: string, user: string, groups: readonly string[]): Promise<ClientCert> {
  const subject = [`/CN=${escapeRdn(user)}`, ...groups.map((g) => `/O=${escapeRdn(g)}`)].join('');
  await signLeaf(pkiDir, fileStem, subject, ['keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = clientAuth']);
  return { cert: path.join(pkiDir, `${fileStem}.crt`), key: path.join(pkiDir, `${fileStem}.key`) };
}

export async function readPem(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

async function signLeaf(dir: string, stem: string, subject: string, extensions: string[]): Promise<void> {
  const file = (name: string) => path.join(dir, name);
  await openssl([
    'req',
    '-new',
    '-config',
    file('openssl.cnf'),
    ...ecKey(),
    '-nodes',
    '-utf8',
    '-keyout',
    file(`${stem}.key`),
    '-out',
    file(`${stem}.csr`),
    '-subj',
    subject,
  ]);
  await writeFile(file(`${stem}.ext`), ['basicConstraints = critical, CA:FALSE', ...extensions, ''].join('\n'));
  await openssl([
    'x509',
    '-req',
    '-in',
    file(`${stem}.csr`),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    validityDays,
    '-extfile',
    file(`${stem}.ext`),
    '-out',
    file(`${stem}.crt`),
  ]);
}

function ecKey(): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
}

// In -subj, '/' separates attributes and '+' joins multi-valued ones; both must be escaped.
function escapeRdn(value: string): string {
  return value.replace(/[\\/+]/g, (c) => `\\${c}`);
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('kube-testenv: the `openssl` CLI was not found on PATH; it is needed to create the test certificates', {
        cause: err,
      });
    throw new Error(`kube-testenv: openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
  }
}
