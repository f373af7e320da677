/**
 * The built image, not the source tree: built twice (same digest), read by skopeo, unpacked by
 * umoci and run by runc as the chart runs it (uid 65532, read-only root, no capabilities, /tmp
 * as an emptyDir), configured in-cluster only: KUBERNETES_SERVICE_HOST/PORT, a ServiceAccount
 * token and the CA at the standard path, the ServiceAccount bound to config/rbac/role.yaml and
 * nothing else. It reconciles a GitlabDeployToken against the simulator, serves probes and
 * metrics, and exits 0 on SIGTERM.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createTestNamespace, testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';
import { buildImage, type BuiltImage } from '../../image/index.js';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ROLE_YAML = path.join(PACKAGE_DIR, 'config/rbac/role.yaml');
const EPOCH = 1_767_225_600; // 2026-01-01T00:00:00Z
const SA_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const PLURAL = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };

const ns = useNamespace('image');
let work: string;
let first: BuiltImage;
let second: BuiltImage;
let sim: GitlabSim;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the image test runs runc and umoci as root (CI does); run it as root');
  work = await mkdtemp(path.join(os.tmpdir(), 'glkeys-image-'));
  const started = performance.now();
  first = await buildImage({ packageDir: PACKAGE_DIR, outDir: path.join(work, 'a'), sourceDateEpoch: EPOCH });
  const firstMs = performance.now() - started;
  second = await buildImage({ packageDir: PACKAGE_DIR, outDir: path.join(work, 'b'), sourceDateEpoch: EPOCH });
  console.log(
    `[image] ${first.digest}: ${(first.compressedSize / 1e6).toFixed(1)} MB compressed, ` +
      `${(first.uncompressedSize / 1e6).toFixed(1)} MB uncompressed; first build ${(firstMs / 1000).toFixed(1)} s, ` +
      `second ${((performance.now() - started - firstMs) / 1000).toFixed(1)} s`,
  );
  await applyCrds(testEnv().kubeConfig);
  sim = await start();
}, 900_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await sim?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const sha256File = async (file: string) => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

describe('the glkeys-operator image', () => {
  it('should come out byte for byte the same from a second build with the same SOURCE_DATE_EPOCH', async () => {
    expect(second.digest).toBe(first.digest);
    expect(await sha256File(second.archive)).toBe(await sha256File(first.archive));
  });

  it('should be read by skopeo from the oci-archive: digest, labels, non-root user, entrypoint, size', async () => {
    const inspect = JSON.parse((await run('skopeo', ['inspect', `oci-archive:${first.archive}`])).stdout) as {
      Digest: string;
      Labels: Record<string, string>;
      Layers: string[];
    };
    expect(inspect.Digest).toBe(first.digest);
    expect(inspect.Layers).toHaveLength(3);
    const manifest = JSON.parse(await readFile(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string; license: string };
    expect(inspect.Labels['org.opencontainers.image.version']).toBe(manifest.version);
    expect(inspect.Labels['org.opencontainers.image.licenses']).toBe(manifest.license);
    expect(inspect.Labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
    expect(inspect.Labels['org.opencontainers.image.created']).toBe('2026-01-01T00:00:00Z');
    const config = JSON.parse((await run('skopeo', ['inspect', '--config', `oci-archive:${first.archive}`])).stdout) as {
      config: { User: string; Entrypoint: string[] };
    };
    expect(config.config.User).toBe('65532:65532');
    expect(config.config.Entrypoint).toEqual(['/nodejs/bin/node', '/app/main.mjs']);
    expect(first.compressedSize).toBeLessThan(80e6);
  });

  it('should reconcile a GitlabDeployToken to Ready when run by runc in-cluster under the chart RBAC, and exit 0 on SIGTERM', async () => {
    const bundle = path.join(work, 'bundle');
    await run('umoci', ['unpack', '--image', `${first.layout}:${first.reference}`, bundle]);
    const rootfs = path.join(bundle, 'rootfs');
    expect(await shells(rootfs)).toEqual([]);

    // The operator's namespace, its ServiceAccount, the chart's rules bound to it, and its token.
    const home = await createTestNamespace(testEnv().kubeConfig, 'glkeys-system');
    cleanups.push(() => home.delete());
    await bindRoleYaml(home.name, 'glkeys-operator');
    const sa = await testEnv().kubeconfigFor({ serviceAccount: { namespace: home.name, name: 'glkeys-operator' } });
    const token = sa.kubeConfig.getCurrentUser()?.token;
    const caData = testEnv().kubeConfig.getCurrentCluster()?.caData;
    if (!token || !caData) throw new Error('kube-testenv gave no ServiceAccount token or CA');
    const secrets = path.join(work, 'serviceaccount');
    await mkdir(secrets, { mode: 0o755 });
    await writeFile(path.join(secrets, 'token'), token, { mode: 0o644 });
    await writeFile(path.join(secrets, 'ca.crt'), Buffer.from(caData, 'base64'), { mode: 0o644 });
    await writeFile(path.join(secrets, 'namespace'), home.name, { mode: 0o644 });
    await chmod(secrets, 0o755);

    const apiserver = new URL(testEnv().url);
    const [metricsPort, probesPort] = [await freePort(), await freePort()];
    await chartLikeRuntimeConfig(bundle, {
      args: [
        '--leader-elect',
        `--leader-election-namespace=${home.name}`,
        `--metrics-bind-address=127.0.0.1:${metricsPort}`,
        `--health-probe-bind-address=127.0.0.1:${probesPort}`,
      ],
      env: [`KUBERNETES_SERVICE_HOST=${apiserver.hostname}`, `KUBERNETES_SERVICE_PORT=${apiserver.port}`, `POD_NAMESPACE=${home.name}`],
      serviceAccountDir: secrets,
    });

    const id = `glkeys-image-${randomBytes(4).toString('hex')}`;
    const container = spawn('runc', ['run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => run('runc', ['delete', '--force', id]));
    const logs: string[] = [];
    container.stdout.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    container.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    const exited = once(container, 'exit') as Promise<[number | null, string | null]>;

    // The container's process: not root, on a read-only root filesystem.
    const state = await eventually(
      async () => {
        const out = await run('runc', ['state', id]).catch(() => undefined);
        const parsed = out && (JSON.parse(out.stdout) as { pid: number; status: string });
        return parsed?.status === 'running' && parsed.pid > 0 ? parsed : undefined;
      },
      30_000,
      container,
      logs,
    );
    const status = await readFile(`/proc/${state.pid}/status`, 'utf8');
    expect(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect(/^CapEff:\s+(\S+)$/m.exec(status)?.[1]).toBe('0000000000000000');
    const rootMount = (await readFile(`/proc/${state.pid}/mountinfo`, 'utf8')).split('\n').find((line) => line.split(' ')[4] === '/');
    expect(rootMount?.split(' ')[5]?.split(',')).toContain('ro');

    const projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
    const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
    const custom = testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
    await core.createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'pat' }, stringData: { token: SEED_TOKENS.owner } },
    });
    await custom.createNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      body: {
        apiVersion: 'glkeys.io/v1alpha1',
        kind: 'GitlabDeployToken',
        metadata: { name: 'app' },
        spec: {
          url: sim.url,
          projectID: String(projectId),
          scopes: ['read_repository'],
          auth: { token: { secretRef: { name: 'pat', key: 'token' } } },
          target: { name: 'app-creds' },
        },
      },
    });
    const ready = await eventually(
      async () => {
        const object = (await custom.getNamespacedCustomObject({ ...PLURAL, namespace: ns.name, name: 'app' })) as {
          status?: { credential?: { id: number }; conditions?: { type: string; status: string }[] };
        };
        return object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? object : undefined;
      },
      90_000,
      container,
      logs,
    );
    const live = sim.state.deployTokens(projectId).filter((t) => !t.revoked && t.id === ready.status!.credential!.id);
    expect(live).toHaveLength(1);
    const secret = await core.readNamespacedSecret({ name: 'app-creds', namespace: ns.name });
    const minted = Buffer.from(secret.data!.token!, 'base64').toString('utf8');
    expect(minted).toBe(live[0]!.token);

    // The image's NODE_OPTIONS (DEFAULT_NODE_OPTIONS) took effect: V8's heap limit is the deployed one.
    const started = logs
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; heapLimitMiB?: number })
      .find((line) => line.msg === 'started');
    expect(started?.heapLimitMiB).toBeLessThan(256);
    expect((await fetch(`http://127.0.0.1:${probesPort}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="gitlabdeploytoken",result="[a-z_]+"\} [1-9]/);
    expect(metrics).toMatch(/glkeys_credentials_created_total\{kind="GitlabDeployToken",action="created"\} 1/);

    // Deleting the object revokes its token from inside the container too (and lets the namespace go).
    await custom.deleteNamespacedCustomObject({ ...PLURAL, namespace: ns.name, name: 'app' });
    await eventually(
      async () =>
        (await custom.getNamespacedCustomObject({ ...PLURAL, namespace: ns.name, name: 'app' }).catch(() => 'gone')) === 'gone'
          ? true
          : undefined,
      60_000,
      container,
      logs,
    );
    expect(sim.state.deployTokens(projectId).filter((t) => !t.revoked && t.id === ready.status!.credential!.id)).toHaveLength(0);

    // What a kubelet does on pod deletion: SIGTERM to the container's process, then wait.
    await run('runc', ['kill', id, 'SIGTERM']);
    let timer: NodeJS.Timeout | undefined;
    const [code, signal] = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no exit 45 s after SIGTERM; log tail:\n${logs.join('').slice(-2000)}`)), 45_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const output = logs.join('');
    expect(output).toContain('"msg":"started"');
    for (const secretValue of [minted, SEED_TOKENS.owner, token]) expect(output).not.toContain(secretValue);
  }, 240_000);
});

/** Files named like a shell anywhere in the root filesystem, and /bin/sh itself. */
async function shells(rootfs: string): Promise<string[]> {
  const found: string[] = [];
  if (existsSync(path.join(rootfs, 'bin/sh'))) found.push('/bin/sh');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/^(sh|bash|dash|ash|zsh|busybox)$/.test(entry.name)) found.push(`/${path.relative(rootfs, full)}`);
    }
  };
  await walk(rootfs);
  return found;
}

/** The ClusterRole and Role of config/rbac/role.yaml, bound to the ServiceAccount: the chart's grants, nothing more. */
async function bindRoleYaml(namespace: string, serviceAccount: string): Promise<void> {
  const rbac = testEnv().kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const subjects = [{ kind: 'ServiceAccount', name: serviceAccount, namespace }];
  const documents = parseAllDocuments(await readFile(ROLE_YAML, 'utf8')).map(
    (doc) => doc.toJS() as { kind: string; metadata: { name: string }; rules: never[] },
  );
  expect(documents.map((doc) => doc.kind).sort()).toEqual(['ClusterRole', 'Role']);
  for (const doc of documents) {
    if (doc.kind === 'ClusterRole') {
      // Cluster-scoped: a name of this run's own, removed afterwards.
      const name = `${doc.metadata.name}-${namespace}`;
      await rbac.createClusterRole({ body: { metadata: { name }, rules: doc.rules } });
      cleanups.push(() => rbac.deleteClusterRole({ name }));
      await rbac.createClusterRoleBinding({
        body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects },
      });
      cleanups.push(() => rbac.deleteClusterRoleBinding({ name }));
    } else {
      const name = doc.metadata.name;
      await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules: doc.rules } });
      await rbac.createNamespacedRoleBinding({
        namespace,
        body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects },
      });
    }
  }
}

interface RuntimeSpec {
  process: {
    terminal: boolean;
    args: string[];
    env: string[];
    noNewPrivileges?: boolean;
    capabilities?: Record<string, string[]>;
  };
  root: { path: string; readonly?: boolean };
  mounts: { destination: string; type: string; source: string; options: string[] }[];
  linux: { namespaces: { type: string }[] };
}

/**
 * umoci's runtime config (user, entrypoint and env come from the image) made to run as the
 * chart's pod does: read-only root, all capabilities dropped, /tmp an emptyDir, the token
 * mounted read-only. The host's network namespace stands in for the pod network, so the
 * apiserver and the simulator on 127.0.0.1 are reachable.
 */
async function chartLikeRuntimeConfig(bundle: string, extra: { args: string[]; env: string[]; serviceAccountDir: string }): Promise<void> {
  const file = path.join(bundle, 'config.json');
  const spec = JSON.parse(await readFile(file, 'utf8')) as RuntimeSpec;
  spec.process.terminal = false;
  spec.process.args = [...spec.process.args, ...extra.args];
  spec.process.env = [...spec.process.env, ...extra.env];
  spec.process.noNewPrivileges = true;
  spec.process.capabilities = { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] };
  spec.root.readonly = true;
  spec.linux.namespaces = spec.linux.namespaces.filter((namespace) => namespace.type !== 'network');
  spec.mounts.push(
    { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=16m'] },
    { destination: SA_PATH, type: 'bind', source: extra.serviceAccountDir, options: ['rbind', 'ro'] },
  );
  await writeFile(file, JSON.stringify(spec));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, container: ChildProcess, logs: string[]): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (container.exitCode !== null) throw new Error(`the container exited (${container.exitCode}):\n${logs.join('').slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`condition not met in ${timeoutMs} ms; log tail:\n${logs.join('').slice(-3000)}`);
}
