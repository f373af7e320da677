/** known_hosts text for one SSH endpoint: scan its host keys (with a deadline), then render. */
import { scanHostKeys } from './scan.js';
import { renderKnownHosts } from './ssh-host.js';

/** The deadline of a scan when the caller names none: long enough for a slow server, short for a CLI. */
export const KNOWN_HOSTS_SCAN_TIMEOUT_MS = 15_000;

export async function scanKnownHosts(host: string, port: number, timeoutMs: number = KNOWN_HOSTS_SCAN_TIMEOUT_MS): Promise<string> {
  return renderKnownHosts(host, port, await scanHostKeys({ host, port, timeoutMs }));
}
