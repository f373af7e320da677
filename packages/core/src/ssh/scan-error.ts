import { GlkeysError } from '../errors.js';

/** The SSH host could not be scanned: unreachable (`NETWORK`) or silent past the deadline (`TIMEOUT`). */
export class HostKeyScanError extends GlkeysError {
  readonly host: string;
  readonly port: number;

  constructor(code: 'NETWORK' | 'TIMEOUT', host: string, port: number, reason: string) {
    super(code, `could not read the SSH host keys of ${host}:${port}: ${reason}`);
    this.host = host;
    this.port = port;
  }
}
