import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, issueClientCert, type Pki } from '../src/pki.js';

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

describe('test PKI', () => {
  let dir: string;
  let pki: Pki;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kube-testenv-pki-'));
    pki = await createPki(path.join(dir, 'pki'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('signs a serving certificate for 127.0.0.1 and localhost with its CA', () => {
    expect(openssl('verify', '-CAfile', pki.caCert, pki.servingCert)).toContain(': OK');
    const text = openssl('x509', '-in', pki.servingCert, '-noout', '-ext', 'subjectAltName,extendedKeyUsage');
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('DNS:localhost');
    expect(text).toContain('TLS Web Server Authentication');
  });

  it('issues client certificates with the user as CN and each group as an O, special characters kept', async () => {
    const cert = await issueClientCert(pki.dir, 'odd', 'alice/ops+1', ['devs', 'a/b+c']);
    expect(openssl('verify', '-CAfile', pki.caCert, cert.cert)).toContain(': OK');
    const subject = openssl('x509', '-in', cert.cert, '-noout', '-subject', '-nameopt', 'RFC2253');
    // RFC 2253 lists attributes last-first and escapes '+' itself.
    expect(subject.trim()).toBe('subject=O=a/b\\+c,O=devs,CN=alice/ops\\+1');
    expect(openssl('x509', '-in', cert.cert, '-noout', '-ext', 'extendedKeyUsage')).toContain('TLS Web Client Authentication');
  });
});
