import { spawn } from 'node:child_process';

/*
 * The reaper is a tiny detached node process, one per env. It watches its parent (the
 * process that called start()); once the parent is gone, however it died (SIGKILL
 * included, which no in-process handler can catch), it kills the pids listed in the pids
 * file and deletes the data dir. The parent is gone when the reaper has been re-parented
 * (its ppid changed), which also holds while the dead parent is an unreaped zombie.
 * It is plain JavaScript run with `node -e`, so it works the same from src/ and dist/.
 */
const reaperSource = String.raw`
const fs = require('node:fs');
const [parentArg, pidsFile, dataDir, keepArg] = process.argv.slice(1);
const parent = Number(parentArg);
const alive = (pid) => { try { process.kill(pid, 0); } catch { return false; }
  // A killed server adopted by an init that does not reap stays a zombie: dead enough.
  try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s[s.lastIndexOf(')') + 2] !== 'Z'; }
  catch { return !fs.existsSync('/proc/self'); } };
// A pid is only ours if it still runs the binary we started (pids get reused).
const ours = (pid, binary) => {
  try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\0')[0] === binary; }
  catch { return !fs.existsSync('/proc/self') && alive(pid); }
};
const entries = () => {
  try {
    return fs.readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map((line) => {
      const i = line.indexOf(' ');
      return { pid: Number(line.slice(0, i)), binary: line.slice(i + 1) };
    });
  } catch { return []; }
};
const reap = () => {
  const victims = entries().filter((e) => ours(e.pid, e.binary));
  for (const v of victims) { try { process.kill(v.pid, 'SIGKILL'); } catch {} }
  const deadline = Date.now() + 5000;
  const finish = () => {
    if (victims.some((v) => alive(v.pid)) && Date.now() < deadline) return setTimeout(finish, 50);
    if (keepArg !== 'keep') fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    process.exit(0);
  };
  finish();
};
const tick = () => (process.ppid !== parent || !alive(parent) ? reap() : setTimeout(tick, 200));
process.on('SIGTERM', () => process.exit(0));
tick();
`;

/** Starts the reaper for one env; stop() ends it with SIGTERM once it cleaned up itself. */
export function spawnReaper(pidsFile: string, dataDir: string, keepDataDir: boolean): { pid: number | undefined; stop(): void } {
  const child = spawn(process.execPath, ['-e', reaperSource, String(process.pid), pidsFile, dataDir, keepDataDir ? 'keep' : 'remove'], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  child.on('error', () => {}); // a missing reaper weakens crash cleanup only; stop() still works
  return {
    pid: child.pid,
    stop: () => {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
