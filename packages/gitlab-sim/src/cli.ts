#!/usr/bin/env node
// glkeys-gitlab-sim: the simulator as a process, for tests in any language and for people trying
// their own GitLab automation. Every knob of start() is a flag; the admin API under
// /-/glkeys-sim/ changes them at run time. Prints the URL and the seeded users (never their
// tokens unless --show-tokens), then serves until SIGINT/SIGTERM. Bad flags exit 2.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { start, type StartOptions } from './server.js';
import type { Seed } from './seed.js';
import { parseFaultRules } from './faults.js';
import { parseRateLimit } from './rate-limit.js';
import { createTestCertificates } from './test-certificates.js';
import { ADMIN_PREFIX } from './admin.js';

const USAGE = `Usage: glkeys-gitlab-sim [options]
  --port N                 listen port (default 0: a free one)
  --host H                 listen address (default 127.0.0.1)
  --seed FILE              the starting world, JSON or YAML (default: the built-in seed)
  --latency-ms N           added to every request (default 0)
  --rate-limit N/PERIOD    e.g. 2000/60s, 600/1m, 10/500ms, or off (default 2000/60s, GitLab.com's)
  --faults FILE            fault rules, JSON or YAML: a list, or {"faults": [...]}
  --fault-seed N           seed of the PRNG behind fault probabilities (default 1)
  --request-log FILE       append every request as a JSON line (tokens redacted)
  --tls                    serve HTTPS with a certificate made now by a throwaway CA
  --tls-ca-out FILE        with --tls: where to write that CA's certificate (default: a temp file)
  --tls-cert FILE --tls-key FILE   serve HTTPS with this PEM certificate and key
  --admin-token TOKEN      token of the admin API (default: env GLKEYS_SIM_ADMIN_TOKEN,
                           else any valid PAT of a seeded instance administrator)
  --show-tokens            print the seeded users' token values
  --help`;

function fail(message: string): never {
  process.stderr.write(`glkeys-gitlab-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function readStructured(flag: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${flag} ${file}: ${(e as Error).message}`);
  }
  try {
    return /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    fail(`${flag} ${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function nonNegative(flag: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    fail(`${flag} must be ${integer ? 'an integer' : 'a number'} >= 0, got ${raw}`);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string', default: '0' },
        'rate-limit': { type: 'string' },
        faults: { type: 'string' },
        'fault-seed': { type: 'string' },
        'request-log': { type: 'string' },
        tls: { type: 'boolean', default: false },
        'tls-ca-out': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'admin-token': { type: 'string' },
        'show-tokens': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const opts: StartOptions = { host: values.host };
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer 0..65535, got ${values.port}`);
  opts.port = port;
  opts.latencyMs = nonNegative('--latency-ms', values['latency-ms'], false);
  if (values.seed !== undefined) opts.seed = readStructured('--seed', values.seed) as Seed;
  if (values['rate-limit'] !== undefined) {
    const rl = parseRateLimit(values['rate-limit']);
    if (rl === null) fail(`--rate-limit must be N/PERIOD (e.g. 2000/60s, 600/1m, 10/500ms) or off, got ${values['rate-limit']}`);
    opts.rateLimit = rl;
  }
  if (values.faults !== undefined) {
    try {
      opts.faults = parseFaultRules(readStructured('--faults', values.faults));
    } catch (e) {
      fail(`--faults ${values.faults}: ${(e as Error).message}`);
    }
  }
  if (values['fault-seed'] !== undefined) opts.faultSeed = nonNegative('--fault-seed', values['fault-seed'], true);
  const adminToken = values['admin-token'] ?? process.env['GLKEYS_SIM_ADMIN_TOKEN'];
  if (adminToken !== undefined) {
    if (adminToken.trim() === '') fail('--admin-token must not be empty');
    opts.adminToken = adminToken;
  }

  let caFile: string | undefined;
  const given = [values['tls-cert'], values['tls-key']].filter((v) => v !== undefined).length;
  if (given === 1) fail('--tls-cert and --tls-key go together');
  if (given === 2 && values.tls) fail('--tls makes a certificate; leave it out when giving --tls-cert and --tls-key');
  if (values['tls-ca-out'] !== undefined && !values.tls) fail('--tls-ca-out needs --tls');
  if (given === 2) {
    try {
      opts.tls = { cert: readFileSync(values['tls-cert']!, 'utf8'), key: readFileSync(values['tls-key']!, 'utf8') };
    } catch (e) {
      fail(`--tls-cert/--tls-key: ${(e as Error).message}`);
    }
  } else if (values.tls) {
    let certs;
    try {
      certs = createTestCertificates();
    } catch (e) {
      fail(`--tls: cannot make a certificate with openssl: ${(e as Error).message}`);
    }
    opts.tls = { key: certs.key, cert: certs.cert };
    caFile = values['tls-ca-out'] ?? join(mkdtempSync(join(tmpdir(), 'gitlab-sim-ca-')), 'ca.crt');
    try {
      writeFileSync(caFile, certs.caCert);
    } catch (e) {
      fail(`--tls-ca-out ${caFile}: ${(e as Error).message}`);
    }
  }

  const logFile = values['request-log'];
  if (logFile !== undefined) {
    try {
      appendFileSync(logFile, '');
    } catch (e) {
      fail(`--request-log ${logFile}: ${(e as Error).message}`);
    }
  }

  let sim;
  try {
    sim = await start(opts);
  } catch (e) {
    fail(`cannot start: ${(e as Error).message}`);
  }
  // Entries carry no bodies and no headers, and token query parameters are redacted.
  if (logFile !== undefined) sim.log.subscribe((entry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`));

  const rl =
    opts.rateLimit === undefined
      ? '2000 per 60 s (GitLab.com)'
      : opts.rateLimit
        ? `${opts.rateLimit.limit} per ${opts.rateLimit.windowMs / 1000} s`
        : 'off';
  const out: string[] = [
    `gitlab-sim listening on ${sim.url}`,
    `API: ${sim.apiUrl}`,
    `admin API: ${sim.url}${ADMIN_PREFIX}/ (${adminToken !== undefined ? 'the --admin-token' : "a seeded administrator's PAT"})`,
    `rate limit: ${rl}`,
    ...(caFile ? [`CA certificate: ${caFile}`] : []),
    ...(logFile ? [`request log: ${logFile}`] : []),
    'users:',
  ];
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

void main();
