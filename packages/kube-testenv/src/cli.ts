/*
 * glkeys-kube-testenv: starts a real etcd + kube-apiserver, prints how to reach it and
 * stays up until SIGINT/SIGTERM. `build` only builds (or finds) the binaries, for warming
 * a CI cache.
 */
import { copyFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ensureBinaries } from './binaries.js';
import { start } from './start.js';

const usage = `Usage: glkeys-kube-testenv [start] [options]
       glkeys-kube-testenv build [--with-controller-manager]

Starts etcd and kube-apiserver on free loopback ports and prints the admin kubeconfig path.
Stays up until Ctrl-C (SIGINT) or SIGTERM, then removes every process and temp file.

Options:
  --with-controller-manager  also run kube-controller-manager (GC, namespace deletion)
  --kubeconfig <path>        also copy the admin kubeconfig to <path> (left in place on exit)
  --json                     print one JSON line {url, kubeconfigPath, pids} instead of text
  --keep-data-dir            keep etcd data, certificates and logs after exit
  --verbose                  stream the servers' logs to stderr
  --start-timeout <seconds>  readiness budget after the binaries exist (default 120)
  -h, --help                 show this help`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'with-controller-manager': { type: 'boolean' },
      kubeconfig: { type: 'string' },
      json: { type: 'boolean' },
      'keep-data-dir': { type: 'boolean' },
      verbose: { type: 'boolean' },
      'start-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const command = positionals[0] ?? 'start';
  if (positionals.length > 1 || !['start', 'build'].includes(command)) {
    process.stderr.write(`glkeys-kube-testenv: unknown command '${positionals.join(' ')}' (expected start or build)\n${usage}\n`);
    return 2;
  }
  const withControllerManager = values['with-controller-manager'] === true;

  if (command === 'build') {
    const binaries = await ensureBinaries({ withControllerManager });
    process.stdout.write(values.json ? `${JSON.stringify(binaries)}\n` : `${binaries.dir}\n`);
    return 0;
  }

  let startTimeoutMs: number | undefined;
  if (values['start-timeout'] !== undefined) {
    const seconds = Number(values['start-timeout']);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      process.stderr.write(`glkeys-kube-testenv: --start-timeout must be a positive number of seconds, got '${values['start-timeout']}'\n`);
      return 2;
    }
    startTimeoutMs = seconds * 1000;
  }

  const env = await start({
    withControllerManager,
    keepDataDir: values['keep-data-dir'] === true,
    verbose: values.verbose === true,
    ...(startTimeoutMs ? { startTimeoutMs } : {}),
  });
  if (values.kubeconfig) await copyFile(env.kubeconfigPath, values.kubeconfig);
  const kubeconfigPath = values.kubeconfig ?? env.kubeconfigPath;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url: env.url, kubeconfigPath, dataDir: env.dataDir, pids: env.pids })}\n`);
  } else {
    process.stdout.write(
      `kube-apiserver ready at ${env.url}\nKUBECONFIG=${kubeconfigPath}\n\n  export KUBECONFIG=${kubeconfigPath}\n\nPress Ctrl-C to stop.\n`,
    );
  }

  // Servers are unref'd, so hold the event loop open until a stop signal arrives.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => resolve(s));
  });
  clearInterval(keepAlive);
  if (!values.json) process.stderr.write(`glkeys-kube-testenv: ${signal}, stopping\n`);
  await env.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
