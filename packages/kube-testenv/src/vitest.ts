/*
 * Vitest integration. In vitest.config.ts:
 *   test: { globalSetup: ['@glkeys/kube-testenv/vitest'], hookTimeout: 40 * 60_000 }
 * The global setup starts ONE apiserver per test run (in vitest's main process) and
 * provides its coordinates to every worker; tests call testEnv() / useNamespace().
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, inject } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { kubeconfigFor, type Identity, type IdentityKubeconfig } from './identities.js';
import { httpStatus, withRetry } from './retry.js';
import { start, type KubeTestEnv, type StartOptions } from './start.js';

/** What the global setup hands to workers: plain data, so it crosses process boundaries. */
export interface SharedKubeTestEnv {
  url: string;
  kubeconfigPath: string;
  dataDir: string;
  pkiDir: string;
  caCert: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    glkeysKubeTestEnv: SharedKubeTestEnv;
  }
}

/** The slice of vitest's TestProject the global setup uses. */
export interface ProvidingProject {
  provide(key: 'glkeysKubeTestEnv', value: SharedKubeTestEnv): void;
}

/**
 * Builds a global setup with custom start options, for a file such as
 * `export default createGlobalSetup({ withControllerManager: true })`.
 */
export function createGlobalSetup(options: StartOptions = {}) {
  return async function setupKubeTestEnv(project: ProvidingProject): Promise<() => Promise<void>> {
    const env: KubeTestEnv = await start(options);
    project.provide('glkeysKubeTestEnv', {
      url: env.url,
      kubeconfigPath: env.kubeconfigPath,
      dataDir: env.dataDir,
      pkiDir: `${env.dataDir}/pki`,
      caCert: `${env.dataDir}/pki/ca.crt`,
    });
    // Also for child processes a test spawns (e.g. a CLI under test).
    process.env['GLKEYS_KUBE_TESTENV_KUBECONFIG'] = env.kubeconfigPath;
    return () => env.stop();
  };
}

/**
 * Default global setup: `globalSetup: ['@glkeys/kube-testenv/vitest']`. Set
 * GLKEYS_KUBE_TESTENV_CONTROLLER_MANAGER=1 to also run kube-controller-manager and
 * GLKEYS_KUBE_TESTENV_VERBOSE=1 to stream the servers' logs.
 */
export default function setup(project: ProvidingProject): Promise<() => Promise<void>> {
  return createGlobalSetup({
    withControllerManager: process.env['GLKEYS_KUBE_TESTENV_CONTROLLER_MANAGER'] === '1',
    verbose: process.env['GLKEYS_KUBE_TESTENV_VERBOSE'] === '1',
  })(project);
}

/** The shared apiserver, seen from a test: admin KubeConfig and identity kubeconfigs. */
export interface TestEnvHandle {
  url: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  kubeconfigFor(identity: Identity): Promise<IdentityKubeconfig>;
}

let handle: TestEnvHandle | undefined;

/** The apiserver started by the global setup; throws a how-to if the setup is missing. */
export function testEnv(): TestEnvHandle {
  if (handle) return handle;
  const shared = inject('glkeysKubeTestEnv');
  if (!shared) {
    throw new Error("kube-testenv: no shared apiserver; add globalSetup: ['@glkeys/kube-testenv/vitest'] to the vitest config");
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(shared.kubeconfigPath);
  const access = { url: shared.url, dataDir: shared.dataDir, pkiDir: shared.pkiDir, caCert: shared.caCert, admin: kubeConfig };
  handle = {
    url: shared.url,
    kubeconfigPath: shared.kubeconfigPath,
    kubeConfig,
    kubeconfigFor: (identity) => kubeconfigFor(access, identity),
  };
  return handle;
}

export interface TestNamespace {
  name: string;
  /** Deletes the namespace; one already gone counts as deleted. */
  delete(): Promise<void>;
}

/**
 * Creates a namespace with a random suffix. Without kube-controller-manager a deleted
 * namespace stays Terminating (nothing empties it), which is harmless: names never repeat.
 */
export async function createTestNamespace(kubeConfig: KubeConfig, prefix = 'test'): Promise<TestNamespace> {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(prefix) || prefix.length > 50) {
    throw new TypeError(`kube-testenv: namespace prefix must be a DNS label of at most 50 characters, got ${JSON.stringify(prefix)}`);
  }
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await withRetry(`creating namespace ${name}`, async () => {
    try {
      await core.createNamespace({ body: { metadata: { name, labels: { 'glkeys.io/test-namespace': 'true' } } } });
    } catch (err) {
      if (httpStatus(err) !== 409) throw err; // a retried create that had landed
    }
  });
  return {
    name,
    delete: () =>
      withRetry(`deleting namespace ${name}`, async () => {
        try {
          await core.deleteNamespace({ name });
        } catch (err) {
          if (httpStatus(err) !== 404) throw err;
        }
      }),
  };
}

/**
 * Gives each test in the calling file/describe its own namespace in the shared apiserver,
 * created before and deleted after every test. Read `.name` inside a test.
 */
export function useNamespace(prefix = 'test'): { readonly name: string; readonly kubeConfig: KubeConfig } {
  let current: TestNamespace | undefined;
  beforeEach(async () => {
    current = await createTestNamespace(testEnv().kubeConfig, prefix);
  });
  afterEach(async () => {
    await current?.delete();
    current = undefined;
  });
  return {
    get name(): string {
      if (!current) throw new Error('kube-testenv: useNamespace().name is only available inside a test');
      return current.name;
    },
    get kubeConfig(): KubeConfig {
      return testEnv().kubeConfig;
    },
  };
}

export type { Identity, IdentityKubeconfig, StartOptions };
