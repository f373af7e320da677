/** Live (non-zombie) processes whose working directory is under `dir` (Linux /proc): e.g. git and its helpers in glkeys' temp checkout. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const live = !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (live && readlinkSync(`/proc/${name}/cwd`).startsWith(dir)) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return pids;
}

/** Polls (no clock assertion) until `ready` holds; throws if it never does. */
export async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ready(); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!ready()) throw new Error(`never happened: ${what}`);
}
