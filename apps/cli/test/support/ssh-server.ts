/** A tiny in-process SSH server (ssh2) so known_hosts scanning has something real to read. */
import ssh2 from 'ssh2';
import { generateKeyPair, type SshKeyPair } from '@glkeys/core';

export interface TestSshServer {
  port: number;
  hostKeys: SshKeyPair[];
  close(): Promise<void>;
}

export async function startSshServer(): Promise<TestSshServer> {
  const hostKeys = await Promise.all([generateKeyPair({ algorithm: 'ed25519' }), generateKeyPair({ algorithm: 'ecdsa', curve: 'p256' })]);
  const server = new ssh2.Server({ hostKeys: hostKeys.map((k) => k.privateKey) }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx: { reject(): void }) => ctx.reject());
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return { port, hostKeys, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
