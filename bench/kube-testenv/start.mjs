#!/usr/bin/env node
// Measures @glkeys/kube-testenv on this machine: warm start time (binaries already cached)
// and resident memory of etcd + kube-apiserver once ready. Needs `pnpm --filter
// @glkeys/kube-testenv run build` first.
// Usage: node bench/kube-testenv/start.mjs [runs=5] [--with-controller-manager]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ensureBinaries, start } from '../../packages/kube-testenv/dist/index.js';

const args = process.argv.slice(2);
const withControllerManager = args.includes('--with-controller-manager');
const runsArg = args.find((a) => !a.startsWith('--'));
const runs = Number(runsArg ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, got ${runsArg}`);

/** VmRSS of a process in MiB, from /proc (Linux). */
const rssMiB = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const binaries = await ensureBinaries({ withControllerManager }); // a cold cache builds here, outside the timed part
const samples = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const env = await start({ withControllerManager });
  const startMs = performance.now() - t0;
  // Let post-start hooks and the first controllers settle before reading memory.
  await new Promise((r) => setTimeout(r, 3000));
  const etcd = rssMiB(env.pids.etcd);
  const apiserver = rssMiB(env.pids.kubeApiserver);
  const kcm = env.pids.kubeControllerManager ? rssMiB(env.pids.kubeControllerManager) : 0;
  const t1 = performance.now();
  await env.stop();
  samples.push({ startMs, etcd, apiserver, kcm, stopMs: performance.now() - t1 });
  const kcmText = withControllerManager ? ` + kube-controller-manager ${kcm.toFixed(0)} MiB` : '';
  console.error(
    `run ${i + 1}/${runs}: start ${(startMs / 1000).toFixed(2)} s, RSS etcd ${etcd.toFixed(0)} MiB + kube-apiserver ${apiserver.toFixed(0)} MiB${kcmText}`,
  );
}

const result = {
  machine: { cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  binaries: binaries.dir,
  runs,
  withControllerManager,
  startSeconds: {
    median: median(samples.map((s) => s.startMs)) / 1000,
    min: Math.min(...samples.map((s) => s.startMs)) / 1000,
    max: Math.max(...samples.map((s) => s.startMs)) / 1000,
  },
  stopSeconds: { median: median(samples.map((s) => s.stopMs)) / 1000 },
  rssMiB: {
    etcd: median(samples.map((s) => s.etcd)),
    kubeApiserver: median(samples.map((s) => s.apiserver)),
    pair: median(samples.map((s) => s.etcd + s.apiserver)),
    ...(withControllerManager ? { kubeControllerManager: median(samples.map((s) => s.kcm)) } : {}),
  },
};
console.log(JSON.stringify(result, null, 2));
