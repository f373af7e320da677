// Cold-start medians of the glkeys CLI beside python-gitlab's CLI, in the same run:
//   node bench/cli/run.mjs [--runs 15]
// Every sample is a fresh process. `token list` runs on the CLI's fast path (no oclif); the
// same command with GLKEYS_FAST_PATH=0 goes through oclif, for reference. The GitLab simulator runs in this process (async spawns keep
// it answering). `node -e 0` is measured too, as the floor any Node CLI pays on this machine.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SEED_TOKENS, start } from '@glkeys/gitlab-sim';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const glkeys = fileURLToPath(new URL('../../apps/cli/bin/run.js', import.meta.url));

function time(file, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    execFile(file, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve({ ms, stdout });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** python-gitlab's CLI: `gitlab` when on PATH, else the Debian package's module. */
async function pythonGitlab() {
  for (const [file, pre] of [
    ['gitlab', []],
    ['python-gitlab', []],
    ['/usr/bin/python3', ['-m', 'gitlab']],
  ]) {
    try {
      await time(file, [...pre, '--version'], {});
      return { file, pre };
    } catch {
      // That launcher is not usable here; try the next one.
    }
  }
  return undefined;
}

// Measures glkeys' own cost: no rate limit in the way.
const sim = await start({ rateLimit: false });
const dir = mkdtempSync(join(tmpdir(), 'glkeys-bench-cli-'));
try {
  const project = sim.state.projects().find((p) => p.pathWithNamespace === 'platform/apps/web');
  // A few tokens so both CLIs list and print something real.
  for (const name of ['a', 'b', 'c']) {
    await fetch(`${sim.url}/api/v4/projects/${project.id}/deploy_tokens`, {
      method: 'POST',
      headers: { 'private-token': SEED_TOKENS.owner, 'content-type': 'application/json' },
      body: JSON.stringify({ name, scopes: ['read_repository'] }),
    });
  }
  const cfg = join(dir, 'python-gitlab.cfg');
  writeFileSync(cfg, `[global]\ndefault = sim\n\n[sim]\nurl = ${sim.url}\nprivate_token = ${SEED_TOKENS.owner}\napi_version = 4\n`, {
    mode: 0o600,
  });
  const py = await pythonGitlab();
  const env = { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, NO_COLOR: '1' };

  const cases = [
    ['node -e 0 (floor)', process.execPath, ['-e', '0'], {}],
    ['glkeys --version', process.execPath, [glkeys, '--version'], env],
    ['glkeys token list --json', process.execPath, [glkeys, 'token', 'list', '--project', String(project.id), '--json'], env],
    // The same command through oclif, for reference: what the fast path saves.
    [
      'glkeys token list --json (oclif, GLKEYS_FAST_PATH=0)',
      process.execPath,
      [glkeys, 'token', 'list', '--project', String(project.id), '--json'],
      { ...env, GLKEYS_FAST_PATH: '0' },
    ],
  ];
  if (py)
    cases.push([
      'python-gitlab project-deploy-token list',
      py.file,
      [...py.pre, '-c', cfg, '-o', 'json', 'project-deploy-token', 'list', '--project-id', String(project.id)],
      {},
    ]);

  // Warm the file cache once, then interleave the cases so load changes hit all of them alike.
  const samples = new Map(cases.map(([name]) => [name, []]));
  for (const [, file, args, e] of cases) await time(file, args, e);
  for (let i = 0; i < runs; i += 1) {
    for (const [name, file, args, e] of cases) samples.get(name).push((await time(file, args, e)).ms);
  }
  const result = Object.fromEntries(
    [...samples].map(([name, xs]) => [name, { medianMs: Math.round(median(xs)), minMs: Math.round(Math.min(...xs)), runs: xs.length }]),
  );
  const list = result['glkeys token list --json'].medianMs;
  const pyList = result['python-gitlab project-deploy-token list']?.medianMs;
  const report = {
    runs,
    node: process.version,
    results: result,
    pythonGitlab: py ? `${py.file} ${py.pre.join(' ')}`.trim() : 'not installed',
    listSpeedup: pyList ? Number((pyList / list).toFixed(2)) : null,
    targets: {
      versionUnder150ms: result['glkeys --version'].medianMs < 150,
      listAtLeast3xFaster: pyList ? pyList / list >= 3 : null,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
