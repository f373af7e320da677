// The slice of ssh2's server API the tests use (its @types package drags in an old @types/node).
declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  interface ServerConnection extends EventEmitter {
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'authentication', listener: (ctx: { reject(): void }) => void): this;
  }
  class Server extends EventEmitter {
    constructor(config: { hostKeys: (string | Buffer)[] }, listener: (client: ServerConnection) => void);
    listen(port: number, host: string, callback: () => void): this;
    address(): unknown;
    close(callback?: () => void): this;
  }
  const ssh2: { Server: typeof Server };
  export default ssh2;
}
