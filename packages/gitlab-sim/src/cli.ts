#!/usr/bin/env node
// glkeys-gitlab-sim --port N --seed file.json [--latency-ms N] [--host H]
// Prints the URL and the seeded users (never their tokens unless --show-tokens),
// then serves until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { start } from './server.js';
import type { Seed } from './seed.js';

const USAGE = `Usage: glkeys-gitlab-sim [--port N] [--host H] [--seed file.json] [--latency-ms N] [--show-tokens]`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string', default: '0' },
        'show-tokens': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer 0..65535, got ${values.port}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) fail(`--latency-ms must be a number >= 0, got ${values['latency-ms']}`);
  let seed: Seed | undefined;
  if (values.seed !== undefined) {
    try {
      seed = JSON.parse(readFileSync(values.seed, 'utf8')) as Seed;
    } catch (e) {
      fail(`--seed ${values.seed}: ${(e as Error).message}`);
    }
  }
  const sim = await start({ port, host: values.host, latencyMs, ...(seed ? { seed } : {}) }).catch((e: Error) =>
    fail(`cannot start: ${e.message}`),
  );
  const out: string[] = [`gitlab-sim listening on ${sim.url}`, `API: ${sim.apiUrl}`, 'users:'];
  for (const u of sim.state.users.values()) {
    const tokens = [...sim.state.pats.values()].filter((p) => p.userId === u.id);
    const shown = tokens.map((t) => `${t.name}[${t.scopes.join(',')}]${values['show-tokens'] ? `=${t.token}` : ''}`);
    out.push(`  ${u.username}${u.admin ? ' (admin)' : ''}: ${shown.join(' ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  const stop = () => {
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function fail(message: string): never {
  process.stderr.write(`glkeys-gitlab-sim: ${message}\n`);
  process.exit(2);
}

void main();
