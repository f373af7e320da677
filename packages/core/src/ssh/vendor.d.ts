// Minimal typings for the two CommonJS dependencies, covering only what src/ssh uses (neither
// ships types; @types/ssh2 drags in @types/node 18).
declare module 'bcrypt-pbkdf' {
  const bcryptPbkdf: {
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number;
  };
  export default bcryptPbkdf;
}

declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  interface ConnectConfig {
    host: string;
    port: number;
    username?: string;
    readyTimeout?: number;
    tryKeyboard?: boolean;
    algorithms?: { serverHostKey?: string[] };
    /** Without `hostHash`, ssh2 passes the raw host key blob. */
    hostVerifier?: (key: Buffer) => boolean;
  }
  class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    end(): this;
    destroy(): this;
  }
  interface ServerClient extends EventEmitter {
    end(): void;
  }
  class Server extends EventEmitter {
    constructor(config: { hostKeys: Array<string | Buffer> }, listener?: (client: ServerClient) => void);
    listen(port: number, host: string, callback?: () => void): this;
    address(): AddressInfo;
    close(callback?: () => void): this;
  }
  const ssh2: { Client: typeof Client; Server: typeof Server };
  export default ssh2;
}
