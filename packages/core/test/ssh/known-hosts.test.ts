import { execFile } from 'node:child_process';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlkeysError } from '../../src/errors.js';
import {
  generateKeyPair,
  HostKeyScanError,
  parsePublicKey,
  parseSshHost,
  renderKnownHosts,
  scanHostKeys,
  type SshKeyPair,
} from '../../src/index.js';
import { caught, keyBodyLines, tempDir, writeSecret } from './helpers.js';

let hostKeys: SshKeyPair[];
let server: InstanceType<typeof ssh2.Server>;
let port: number;
const listen = (s: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));

beforeAll(async () => {
  // One key per family: ssh-keyscan asks for "ecdsa" once, so it sees a single ECDSA key.
  hostKeys = await Promise.all([
    generateKeyPair({ algorithm: 'ed25519' }),
    generateKeyPair({ algorithm: 'ecdsa', curve: 'p256' }),
    generateKeyPair({ algorithm: 'rsa', rsaBits: 2048 }),
  ]);
  // ssh2's server loads our OpenSSH private keys: a second, independent reader of that format.
  server = new ssh2.Server({ hostKeys: hostKeys.map((k) => k.privateKey) }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx: { reject(): void }) => ctx.reject());
  });
  port = await listen(server);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const expectedLines = () => hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey.split(' ').slice(0, 2).join(' ')}\n`).join('');

describe('scanHostKeys against an in-process SSH server', () => {
  it('reads every host key through real handshakes and renders [host]:port lines', async () => {
    const keys = await scanHostKeys({ host: '127.0.0.1', port, timeoutMs: 20_000 });
    expect(keys.map((k) => k.type)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
    expect(keys.map((k) => k.fingerprintSha256)).toEqual(hostKeys.map((k) => k.fingerprintSha256));
    expect(renderKnownHosts('127.0.0.1', port, keys)).toBe(expectedLines());
  });

  it('gives the same known_hosts through ssh-keyscan', async () => {
    const keys = await scanHostKeys({ host: '127.0.0.1', port, method: 'ssh-keyscan', timeoutMs: 20_000 });
    expect(renderKnownHosts('127.0.0.1', port, keys)).toBe(expectedLines());
  });

  it('limits the scan to the algorithms asked for', async () => {
    for (const method of ['handshake', 'ssh-keyscan'] as const) {
      const keys = await scanHostKeys({ host: '127.0.0.1', port, method, algorithms: ['ssh-ed25519'], timeoutMs: 20_000 });
      expect(keys.map((k) => `${k.type} ${k.key}`)).toEqual([hostKeys[0]?.publicKey.split(' ').slice(0, 2).join(' ')]);
    }
  });

  it('fails clearly when the server has none of the requested key types', async () => {
    const err = await caught(() => scanHostKeys({ host: '127.0.0.1', port, algorithms: ['ecdsa-sha2-nistp521'], timeoutMs: 20_000 }));
    expect(err).toBeInstanceOf(HostKeyScanError);
    expect(err.message).toContain('offers none of ecdsa-sha2-nistp521');
  });
});

/** OpenSSH's client with only `knownHosts` trusted; async so the in-process server keeps running. */
function sshClientVerdict(knownHosts: string, hostKeyAlgorithm: string): Promise<string> {
  const tmp = tempDir();
  const file = writeSecret(join(tmp.dir, 'known_hosts'), knownHosts);
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${file}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `HostKeyAlgorithms=${hostKeyAlgorithm}`,
    '-o',
    'ConnectTimeout=10',
    '-F',
    '/dev/null',
    '-p',
    String(port),
    'glkeys@127.0.0.1',
    'true',
  ];
  return new Promise((resolve) =>
    execFile('ssh', args, { timeout: 20_000 }, (_err, _stdout, stderr) => {
      tmp.cleanup();
      resolve(
        /Host key verification failed/.test(stderr) ? 'host-key-refused' : /Permission denied/.test(stderr) ? 'host-key-accepted' : stderr,
      );
    }),
  );
}

describe('the rendered known_hosts works for the OpenSSH client', () => {
  it.each(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512'])(
    '%s: the host is verified (auth then fails, as expected)',
    async (alg) => {
      const knownHosts = renderKnownHosts('127.0.0.1', port, await scanHostKeys({ host: '127.0.0.1', port, timeoutMs: 20_000 }));
      expect(await sshClientVerdict(knownHosts, alg)).toBe('host-key-accepted');
    },
  );

  it('a known_hosts for another server is refused (the check above can fail)', async () => {
    const stranger = await generateKeyPair({ algorithm: 'ed25519' });
    const knownHosts = `[127.0.0.1]:${port} ${stranger.publicKey.split(' ').slice(0, 2).join(' ')}\n`;
    expect(await sshClientVerdict(knownHosts, 'ssh-ed25519')).toBe('host-key-refused');
  });
});

describe('scanHostKeys failures end within the deadline', () => {
  let closedPort: number;
  let silent: NetServer;
  let silentPort: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // A port that was just free: bind, read the number, close.
    const probe = createServer();
    closedPort = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    // Accepts TCP but never speaks SSH: only the deadline can end the scan.
    silent = createServer((s) => sockets.push(s));
    silentPort = await listen(silent);
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => silent.close(resolve));
  });

  it.each(['handshake', 'ssh-keyscan'] as const)('a closed port is a NETWORK error (%s)', async (method) => {
    const err = await caught(() => scanHostKeys({ host: '127.0.0.1', port: closedPort, method, timeoutMs: 5_000 }));
    expect(err).toBeInstanceOf(HostKeyScanError);
    expect(err).toBeInstanceOf(GlkeysError);
    expect(err).toMatchObject({ code: 'NETWORK', host: '127.0.0.1', port: closedPort });
  });

  it.each(['handshake', 'ssh-keyscan'] as const)('a server that never answers is a TIMEOUT error (%s)', async (method) => {
    const err = await caught(() => scanHostKeys({ host: '127.0.0.1', port: silentPort, method, timeoutMs: 1_500 }));
    expect(err).toMatchObject({ code: 'TIMEOUT', host: '127.0.0.1', port: silentPort });
  });

  it('never puts key material in scan errors', async () => {
    const err = await caught(() => scanHostKeys({ host: '127.0.0.1', port: closedPort, timeoutMs: 2_000 }));
    for (const k of hostKeys) for (const line of keyBodyLines(k.privateKey)) expect(err.message).not.toContain(line);
  });
});

describe('known_hosts rendering and SSH host parsing', () => {
  const key = {
    type: 'ssh-ed25519' as const,
    key: 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
    fingerprintSha256: 'x',
  };

  it('writes a bare host for port 22 and [host]:port otherwise, IPv6 included', () => {
    expect(renderKnownHosts('GitLab.com', 22, [key])).toBe(`gitlab.com ssh-ed25519 ${key.key}\n`);
    expect(renderKnownHosts('gitlab.example.com', 2222, [key])).toBe(`[gitlab.example.com]:2222 ssh-ed25519 ${key.key}\n`);
    expect(renderKnownHosts('2001:db8::1', 22, [key])).toBe(`2001:db8::1 ssh-ed25519 ${key.key}\n`);
    expect(renderKnownHosts('[2001:db8::1]', 2222, [key])).toBe(`[2001:db8::1]:2222 ssh-ed25519 ${key.key}\n`);
    // The rendered key is a valid public key line once the host pattern is removed.
    expect(parsePublicKey(renderKnownHosts('gitlab.com', 22, [key]).split(' ').slice(1).join(' ')).type).toBe('ssh-ed25519');
  });

  it.each([
    ['gitlab.com', { host: 'gitlab.com', port: 22 }],
    ['GitLab.Example.com:2222', { host: 'gitlab.example.com', port: 2222 }],
    ['10.0.0.5:22', { host: '10.0.0.5', port: 22 }],
    ['[2001:db8::1]', { host: '2001:db8::1', port: 22 }],
    ['[::1]:65535', { host: '::1', port: 65535 }],
    ['ssh.gitlab.internal_lab:1', { host: 'ssh.gitlab.internal_lab', port: 1 }],
  ])('parseSshHost(%s)', (input, expected) => {
    expect(parseSshHost(input)).toEqual(expected);
  });
});
