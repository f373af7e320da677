/**
 * `glkeys bootstrap git` end to end: the real binary pushes to real Git servers (git
 * http-backend behind HTTPS with Basic auth, and OpenSSH's sshd) and writes the Secret to the
 * real apiserver (kube-testenv). The bare repositories are read back with git itself.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createTestCertificates } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { leaksOf, runCli } from './support/run-cli.js';
import { readSecret } from './support/kube.js';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server.js';
import { startSshd, type TestSshd } from './support/sshd.js';
import { processesUnder, until } from './support/processes.js';

const USERNAME = 'flux-bot';
const PASSWORD = 'http-password-7f3a9c21e5';
const PASSPHRASE = 'key-passphrase-4b8d2e';
const ns = useNamespace('bootgit');
let dir: string;
let http: GitHttpServer;
let caFile: string;
let decryptedKey = '';
let privateKey = '';
let seq = 0;
const repo = () => `fleet-${++seq}`;
const kube = () => ({ KUBECONFIG: testEnv().kubeconfigPath });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glkeys-bootgit-'));
  const certs = createTestCertificates();
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, certs.caCert);
  http = await startGitHttpServer({ username: USERNAME, password: PASSWORD }, { tls: { key: certs.key, cert: certs.cert } });
});
afterAll(async () => {
  await http?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** git on the server's bare repository. */
const bare = (repoDir: string, ...args: string[]) => execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8' }).trim();
const commits = (repoDir: string, branch = 'main') => bare(repoDir, 'rev-list', branch).split('\n').filter(Boolean);

function httpsArgs(url: string, ...extra: string[]) {
  return [
    'bootstrap',
    'git',
    '--url',
    url,
    '--username',
    USERNAME,
    '--password',
    PASSWORD,
    '--ca-file',
    caFile,
    '--namespace',
    ns.name,
    ...extra,
  ];
}

describe('bootstrap git over HTTPS', () => {
  it('commits and pushes exactly the two sync manifests, writes the Secret, and a re-run makes no commit and no push', async () => {
    const name = repo();
    const repoDir = http.createRepo(name);
    const url = http.url(name);
    const run = await runCli([...httpsArgs(url, '--path', 'clusters/prod', '--secret-name', 'git-https'), '--json'], { env: kube() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = run.json<{ pushed: boolean; commit: { id: string }; files: { path: string; outcome: string }[] }>();
    expect(result.pushed).toBe(true);
    expect(result.files).toEqual([
      { path: 'clusters/prod/flux-system/gotk-sync.yaml', outcome: 'created', written: null },
      { path: 'clusters/prod/flux-system/kustomization.yaml', outcome: 'created', written: null },
    ]);

    expect(commits(repoDir)).toEqual([result.commit.id]);
    expect(bare(repoDir, 'log', '-1', '--format=%an <%ae>|%s', 'main')).toBe('Flux <noreply@glkeys.invalid>|Add Flux sync manifests');
    expect(bare(repoDir, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual([
      'clusters/prod/flux-system/gotk-sync.yaml',
      'clusters/prod/flux-system/kustomization.yaml',
    ]);
    const [source, kustomization] = parseAllDocuments(bare(repoDir, 'show', 'main:clusters/prod/flux-system/gotk-sync.yaml')).map((d) =>
      d.toJS(),
    );
    expect(source).toMatchObject({
      kind: 'GitRepository',
      metadata: { name: ns.name, namespace: ns.name },
      spec: { url, ref: { branch: 'main' }, secretRef: { name: 'git-https' }, interval: '1m0s' },
    });
    expect(kustomization).toMatchObject({ kind: 'Kustomization', spec: { path: './clusters/prod', prune: true, interval: '10m0s' } });
    expect(bare(repoDir, 'show', 'main:clusters/prod/flux-system/kustomization.yaml')).toContain('- gotk-sync.yaml');

    const secret = await readSecret(ns.name, 'git-https');
    expect(secret?.data).toEqual({ username: USERNAME, password: PASSWORD, 'ca.crt': readFileSync(caFile, 'utf8') });

    const pushes = http.stats.pushes;
    const again = await runCli([...httpsArgs(url, '--path', 'clusters/prod', '--secret-name', 'git-https'), '--json'], { env: kube() });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ pushed: false, commit: null, files: [{ outcome: 'unchanged' }, { outcome: 'unchanged' }] });
    expect(commits(repoDir)).toEqual([result.commit.id]);
    expect(http.stats.pushes).toBe(pushes);
  });

  it('updates gotk-sync.yaml but keeps a kustomization.yaml the user edited, and creates a missing branch from HEAD', async () => {
    const name = repo();
    const repoDir = http.createRepo(name);
    const url = http.url(name);
    expect((await runCli(httpsArgs(url), { env: kube() })).code).toBe(0);
    const first = commits(repoDir)[0]!;

    // A user edits kustomization.yaml in a clone and pushes.
    const clone = join(dir, `${name}-clone`);
    execFileSync('git', ['clone', '-q', repoDir, clone]);
    writeFileSync(join(clone, 'flux-system/kustomization.yaml'), 'resources: [gotk-sync.yaml, extra.yaml]\n');
    execFileSync('git', ['-C', clone, '-c', 'user.name=u', '-c', 'user.email=u@example.com', 'commit', '-qam', 'edit']);
    execFileSync('git', ['-C', clone, 'push', '-q', 'origin', 'main']);

    const run = await runCli(
      [...httpsArgs(url, '--interval', '5m', '--author-name', 'Ops Bot', '--author-email', 'ops@example.com'), '--json'],
      { env: kube() },
    );
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ pushed: true, files: [{ outcome: 'updated' }, { outcome: 'kept' }] });
    expect(bare(repoDir, 'show', 'main:flux-system/kustomization.yaml')).toBe('resources: [gotk-sync.yaml, extra.yaml]');
    expect(bare(repoDir, 'show', 'main:flux-system/gotk-sync.yaml')).toContain('interval: 5m0s');
    expect(bare(repoDir, 'log', '-1', '--format=%an <%ae>', 'main')).toBe('Ops Bot <ops@example.com>');
    expect(commits(repoDir)).toHaveLength(3);
    expect(commits(repoDir)).toContain(first);

    const staging = await runCli([...httpsArgs(url, '--branch', 'staging', '--interval', '5m'), '--json'], { env: kube() });
    expect(staging.code).toBe(0);
    expect(bare(repoDir, 'rev-parse', 'staging~1')).toBe(bare(repoDir, 'rev-parse', 'main'));
    expect(bare(repoDir, 'show', 'staging:flux-system/gotk-sync.yaml')).toContain('branch: staging');
  });

  it('a wrong password fails with exit 5, says what to do, and leaves the repository and the cluster untouched', async () => {
    const name = repo();
    const repoDir = http.createRepo(name);
    const refused = http.stats.refused;
    const wrong = 'wrong-password-0c1d2e3f4a';
    const run = await runCli(
      [
        'bootstrap',
        'git',
        '--url',
        http.url(name),
        '--username',
        USERNAME,
        '--password',
        wrong,
        '--ca-file',
        caFile,
        '--namespace',
        ns.name,
        '--secret-name',
        'refused',
      ],
      { env: kube() },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('refused the credential');
    expect(run.stderr).toContain('--username/--password');
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(http.stats.refused).toBeGreaterThan(refused);
    expect(bare(repoDir, 'for-each-ref')).toBe('');
    expect(await readSecret(ns.name, 'refused')).toBeUndefined();
  });

  it('a push that landed but whose answer was lost counts as pushed, not as rejected (password from GIT_PASSWORD)', async () => {
    const name = repo();
    const repoDir = http.createRepo(name);
    const pushes = http.stats.pushes;
    http.dropNextPushAnswer();
    const args = httpsArgs(http.url(name), '--secret-name', 'git-lost-answer', '--json').filter(
      (a) => a !== '--password' && a !== PASSWORD,
    );
    const run = await runCli(args, { env: { ...kube(), GIT_PASSWORD: PASSWORD } });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ pushed: true });
    // The answer to the push that landed never came; curl resent it on a fresh connection and the
    // server refused the duplicate. ls-remote then showed the branch at our commit: success.
    expect(http.stats.pushes - pushes).toBeGreaterThanOrEqual(1);
    expect(commits(repoDir)).toHaveLength(1);
    expect(await readSecret(ns.name, 'git-lost-answer')).toBeDefined();
  });

  it('without --ca-file the private CA is not trusted: exit 5 naming --ca-file', async () => {
    const name = repo();
    http.createRepo(name);
    const run = await runCli(
      ['bootstrap', 'git', '--url', http.url(name), '--password', PASSWORD, '--namespace', ns.name, '--secret-name', 'no-ca'],
      { env: kube() },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('--ca-file');
  });

  it('an unreachable server fails with exit 5 after retrying, and no Secret is written', async () => {
    const closed = await startGitHttpServer({ username: USERNAME, password: PASSWORD });
    const url = closed.url('gone');
    await closed.close();
    const run = await runCli(
      ['bootstrap', 'git', '--url', url, '--password', PASSWORD, '--namespace', ns.name, '--secret-name', 'unreachable'],
      { env: kube() },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('could not be reached');
    expect(await readSecret(ns.name, 'unreachable')).toBeUndefined();
  });
});

describe('bootstrap git over SSH (OpenSSH sshd)', () => {
  let sshd: TestSshd;
  let keyFile: string;
  beforeAll(async () => {
    keyFile = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'flux', '-f', keyFile]);
    privateKey = readFileSync(keyFile, 'utf8');
    sshd = await startSshd(readFileSync(`${keyFile}.pub`, 'utf8'));
  });
  afterAll(() => sshd?.close());

  it('pushes with the passphrase-protected key on a non-22 port, checks the scanned host key, and a re-run makes no commit', async () => {
    const repoDir = sshd.createRepo('fleet');
    // An existing history: the manifests are committed on top of it.
    const seed = join(dir, 'ssh-seed');
    execFileSync('git', ['init', '-q', '--initial-branch=main', seed]);
    writeFileSync(join(seed, 'README.md'), 'fleet\n');
    execFileSync('git', ['-C', seed, 'add', '.']);
    execFileSync('git', ['-C', seed, '-c', 'user.name=u', '-c', 'user.email=u@example.com', 'commit', '-qm', 'init']);
    execFileSync('git', ['-C', seed, 'push', '-q', repoDir, 'main']);

    const url = sshd.url('fleet');
    const args = [
      'bootstrap',
      'git',
      '--url',
      url,
      '--private-key-file',
      keyFile,
      '--password',
      PASSPHRASE,
      '--path',
      'clusters/dev',
      '--namespace',
      ns.name,
      '--secret-name',
      'git-ssh',
      '--json',
    ];
    const run = await runCli(args, { env: kube() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ transport: 'ssh', pushed: true, files: [{ outcome: 'created' }, { outcome: 'created' }] });
    expect(commits(repoDir)).toHaveLength(2);
    expect(bare(repoDir, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual([
      'README.md',
      'clusters/dev/flux-system/gotk-sync.yaml',
      'clusters/dev/flux-system/kustomization.yaml',
    ]);
    expect(bare(repoDir, 'show', 'main:clusters/dev/flux-system/gotk-sync.yaml')).toContain(`url: ${url}`);

    const secret = await readSecret(ns.name, 'git-ssh');
    expect(Object.keys(secret!.data).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);
    // The key glkeys handled is the decrypted one: the leak check below looks for its lines too.
    decryptedKey = secret!.data['identity']!;
    expect(decryptedKey).not.toBe(privateKey);
    expect(secret!.data['identity.pub']!.split(' ').slice(0, 2)).toEqual(readFileSync(`${keyFile}.pub`, 'utf8').split(' ').slice(0, 2));
    expect(secret!.data['known_hosts']!.trim().split('\n')).toEqual(sshd.hostKeys.map((k) => `[127.0.0.1]:${sshd.port} ${k}`));

    const again = await runCli(args, { env: kube() });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ pushed: false, commit: null });
    expect(commits(repoDir)).toHaveLength(2);
  });

  it('with a generated key nothing is pushed: the Secret is written, the public key and the manifests are printed', async () => {
    const repoDir = sshd.createRepo('generated');
    const run = await runCli(
      [
        'bootstrap',
        'git',
        '--url',
        sshd.url('generated'),
        '--ssh-key-algorithm',
        'ed25519',
        '--namespace',
        ns.name,
        '--secret-name',
        'generated',
      ],
      { env: kube() },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('# flux-system/gotk-sync.yaml');
    expect(run.stderr).toContain('Register this public key');
    const secret = await readSecret(ns.name, 'generated');
    expect(run.stderr).toContain(secret!.data['identity.pub']!.trim());
    expect(bare(repoDir, 'for-each-ref')).toBe('');

    // A re-run keeps the key the user may have registered by now, instead of replacing it.
    const again = await runCli(
      ['bootstrap', 'git', '--url', sshd.url('generated'), '--namespace', ns.name, '--secret-name', 'generated', '--json'],
      { env: kube() },
    );
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ keySource: 'kept', publicKey: secret!.data['identity.pub']!.trim(), pushed: false });
    expect((await readSecret(ns.name, 'generated'))!.data['identity']).toBe(secret!.data['identity']);
  });

  it('a key the server does not know is refused: exit 5 and the repository is untouched', async () => {
    const repoDir = sshd.createRepo('other');
    const stranger = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const run = await runCli(
      ['bootstrap', 'git', '--url', sshd.url('other'), '--private-key-file', stranger, '--namespace', ns.name, '--secret-name', 'stranger'],
      { env: kube() },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('registered with write access');
    expect(bare(repoDir, 'for-each-ref')).toBe('');
    expect(await readSecret(ns.name, 'stranger')).toBeUndefined();
  });
});

describe('bootstrap git: bad input and --export never touch the Git server', () => {
  // Most URLs point at the live server, so its request count proves nothing was sent; the
  // scp-style and file:// ones are refused by their form (nothing could be sent to them).
  const live = () => http.url('untouched');
  const withCredentials = () => live().replace('https://', `https://user:${PASSWORD}@`);
  const cases: [string, () => string[], string][] = [
    ['https without --password', () => ['--url', live()], '--password'],
    ['credentials in the URL', () => ['--url', withCredentials(), '--password', PASSWORD], '--url'],
    ['an scp-style address', () => ['--url', 'git@127.0.0.1:team/fleet.git'], '--url'],
    ['a file:// URL', () => ['--url', 'file:///tmp/fleet.git'], '--url'],
    ['a URL without a repository path', () => ['--url', live().replace(/\/[^/]+$/, '/'), '--password', PASSWORD], '--url'],
    ['a bad branch', () => ['--url', live(), '--password', PASSWORD, '--branch', 'a..b'], '--branch'],
    ['a bad path', () => ['--url', live(), '--password', PASSWORD, '--path', '../escape'], '--path'],
    ['a bad author e-mail', () => ['--url', live(), '--password', PASSWORD, '--author-email', 'nobody'], '--author-email'],
    [
      '--private-key-file with https',
      () => ['--url', live(), '--password', PASSWORD, '--private-key-file', 'package.json'],
      '--private-key-file',
    ],
    ['http:// to another machine', () => ['--url', 'http://git.example.com/team/fleet.git', '--password', PASSWORD], '--url'],
  ];
  for (const [what, args, field] of cases) {
    it(`refuses ${what} with exit 2 before any call`, async () => {
      const before = http.stats.requests;
      const run = await runCli(['bootstrap', 'git', ...args(), '--ca-file', caFile, '--namespace', ns.name, '--secret-name', 'bad'], {
        env: kube(),
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(field);
      expect(run.stderr).not.toContain(PASSWORD);
      expect(http.stats.requests).toBe(before);
      expect(await readSecret(ns.name, 'bad')).toBeUndefined();
    });
  }

  it('--output-dir writes the files into a checkout instead of pushing', async () => {
    const name = repo();
    const repoDir = http.createRepo(name);
    const checkout = join(dir, 'checkout');
    const pushes = http.stats.pushes;
    const run = await runCli([...httpsArgs(http.url(name), '--path', 'apps', '--output-dir', checkout, '--secret-name', 'out'), '--json'], {
      env: kube(),
    });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ pushed: false, commit: null, files: [{ outcome: 'created' }, { outcome: 'created' }] });
    expect(readFileSync(join(checkout, 'apps/flux-system/gotk-sync.yaml'), 'utf8')).toContain('path: ./apps');
    expect(http.stats.pushes).toBe(pushes);
    expect(bare(repoDir, 'for-each-ref')).toBe('');
  });

  it('--export prints the Secret and GitRepository without a cluster or a push', async () => {
    const name = repo();
    const repoDir = http.createRepo(name);
    const before = http.stats.requests;
    const run = await runCli(httpsArgs(http.url(name), '--export'), { env: { KUBECONFIG: '/nonexistent/kubeconfig' }, requested: true });
    expect(run.code).toBe(0);
    const kinds = parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(['Secret', 'GitRepository', 'Kustomization']);
    expect(http.stats.requests).toBe(before);
    expect(bare(repoDir, 'for-each-ref')).toBe('');
  });
});

describe.runIf(process.platform === 'linux')('bootstrap git: Ctrl-C', () => {
  it('SIGINT mid-push stops git, removes the temp folder with the credential, writes no Secret and exits 130', async () => {
    // A Git server that never answers, so git is stuck in ls-remote when glkeys gets the signal.
    let requests = 0;
    const hanging = createServer(() => (requests += 1));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as { port: number }).port;
    const tmp = join(dir, 'tmp-sigint');
    mkdirSync(tmp);
    const folders = () => readdirSync(tmp).filter((n) => n.startsWith('glkeys-git-'));
    let child: ChildProcess | undefined;
    try {
      const args = [
        'bootstrap',
        'git',
        '--url',
        `http://127.0.0.1:${port}/team/fleet.git`,
        '--password',
        PASSWORD,
        '--namespace',
        ns.name,
        '--secret-name',
        'interrupted',
      ];
      const running = runCli(args, { env: { ...kube(), TMPDIR: tmp }, started: (c) => (child = c) });
      await until(() => requests === 1 && folders().length === 1, 'git asked the server');
      const root = join(tmp, folders()[0]!);
      expect(existsSync(join(root, 'auth', 'askpass.sh'))).toBe(true);
      const pids = processesUnder(root);
      expect(pids.length).toBeGreaterThanOrEqual(1);

      child!.kill('SIGINT');
      const run = await running;
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('Interrupted by SIGINT');
      expect(run.stderr).toContain('nothing was pushed');
      expect(run.stderr).toContain(`Secret ${ns.name}/interrupted was not written`);
      expect(folders()).toEqual([]);
      await until(() => processesUnder(root).length === 0, 'git and its helper gone');
      expect(await readSecret(ns.name, 'interrupted')).toBeUndefined();
    } finally {
      child?.kill('SIGKILL');
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});

describe('no secret in output', () => {
  it('no password, passphrase or private key line was printed by any run above (except the --export asked for)', () => {
    expect(privateKey).toContain('PRIVATE KEY');
    expect(decryptedKey).toContain('PRIVATE KEY');
    const keyLines = [...privateKey.split('\n'), ...decryptedKey.split('\n')].filter((l) => l.length > 20);
    expect(leaksOf([PASSWORD, PASSPHRASE, ...keyLines])).toEqual([]);
  });
});
