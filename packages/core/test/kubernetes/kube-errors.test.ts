/** What kubeCall throws for the apiserver's refusals, against a real apiserver (kube-testenv). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { CoreV1Api, KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { kubeCall, loadKubeConfig } from '../../src/kubernetes/index.js';
import { statusOf } from '../../src/kubernetes/kube-call.js';
import { ConflictError, KubernetesApiError } from '../../src/kubernetes/errors.js';
import { ValidationError, isTerminal, retryAfterMs } from '../../src/errors.js';

const ns = useNamespace('errors');
const api = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const once = { retry: { limit: 0 } };
const secretRequest = (verb: string, name: string) => ({ verb, resource: 'Secret', namespace: ns.name, name });

async function failure(promise: Promise<unknown>): Promise<KubernetesApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubernetesApiError);
  return error as KubernetesApiError;
}

/** Everything an error can show: message, properties, cause, JSON and inspect output. */
function everything(error: Error): string {
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    JSON.stringify(error.cause ?? null),
    inspect(error, { depth: 10, showHidden: true }),
  ].join('\n');
}

describe('kubeCall against the apiserver', () => {
  it('should type a read of a missing Secret as 404 NotFound, terminal', async () => {
    const error = await failure(
      kubeCall(secretRequest('get', 'missing'), () => api().readNamespacedSecret({ namespace: ns.name, name: 'missing' }), once),
    );
    expect(error).toMatchObject({ code: 'KUBERNETES', status: 404, reason: 'NotFound', request: secretRequest('get', 'missing') });
    expect(error.message).toBe(`Kubernetes API: get Secret ${ns.name}/missing refused (404 NotFound)`);
    expect(statusOf(error)).toBe(404);
    expect(isTerminal(error)).toBe(true);
  });

  it('should type creating an existing Secret as ConflictError AlreadyExists, not terminal', async () => {
    const create = () =>
      api().createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'twice' }, stringData: { a: 'b' } } });
    await kubeCall(secretRequest('create', 'twice'), create, once);
    const error = await failure(kubeCall(secretRequest('create', 'twice'), create, once));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409, reason: 'AlreadyExists' });
    expect(isTerminal(error)).toBe(false);
  });

  it('should type replacing a Secret with a stale resourceVersion as ConflictError Conflict', async () => {
    const created = await api().createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'stale' }, stringData: { v: '1' } },
    });
    await api().replaceNamespacedSecret({ namespace: ns.name, name: 'stale', body: { ...created, stringData: { v: '2' } } });
    const stale: V1Secret = { ...created, stringData: { v: '3' } };
    const error = await failure(
      kubeCall(
        secretRequest('update', 'stale'),
        () => api().replaceNamespacedSecret({ namespace: ns.name, name: 'stale', body: stale }),
        once,
      ),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    expect(error.message).toBe(`Kubernetes API: update Secret ${ns.name}/stale refused (409 Conflict)`);
  });

  it('should type an invalid Secret as 422 Invalid with the field paths and none of the values', async () => {
    const secret = 'glpat-Zq8sV3cretV4lue-do-not-leak';
    const body: V1Secret = { metadata: { name: 'bad', labels: { owner: `${secret}!` } }, stringData: { 'bad key': 'x', token: secret } };
    // The apiserver echoes the refused label value: the raw client error holds the secret.
    const raw = await api()
      .createNamespacedSecret({ namespace: ns.name, body })
      .then(
        () => new Error('created'),
        (e: unknown) => e as Error,
      );
    expect(everything(raw)).toContain(secret);

    const error = await failure(
      kubeCall(secretRequest('create', 'bad'), () => api().createNamespacedSecret({ namespace: ns.name, body }), once),
    );
    expect(error).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(error.fields).toEqual(expect.arrayContaining(['metadata.labels', 'data[bad key]']));
    expect(error.message).toContain('data[bad key]');
    expect(isTerminal(error)).toBe(true);
    for (const needle of [secret, Buffer.from(secret).toString('base64'), 'Zq8sV3cret']) expect(everything(error)).not.toContain(needle);
  });

  it('should type a ServiceAccount without RBAC as 403 Forbidden, terminal', async () => {
    const { kubeConfig } = await testEnv().kubeconfigFor({ serviceAccount: { namespace: ns.name, name: 'no-rbac' } });
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const error = await failure(
      kubeCall(secretRequest('get', 'any'), () => core.readNamespacedSecret({ namespace: ns.name, name: 'any' }), once),
    );
    expect(error).toMatchObject({ code: 'KUBERNETES', status: 403, reason: 'Forbidden' });
    expect(isTerminal(error)).toBe(true);
    expect(retryAfterMs(error)).toBeUndefined();
  });

  it('should type a closed port as Unreachable without a status, not terminal', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 'not-a-real-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const core = kc.makeApiClient(CoreV1Api);
    const error = await failure(
      kubeCall(secretRequest('get', 'any'), () => core.readNamespacedSecret({ namespace: 'default', name: 'any' }), once),
    );
    expect(error).toMatchObject({ code: 'KUBERNETES', status: undefined, reason: 'Unreachable' });
    expect(isTerminal(error)).toBe(false);
    expect(everything(error)).not.toContain('not-a-real-token');
  });

  it('should refuse a plain-HTTP apiserver the client would refuse later, saying what to change', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'glkeys-kc-')), 'config');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:8080"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n',
    );
    expect(() => loadKubeConfig({ kubeconfig: file })).toThrow(
      expect.objectContaining({ field: 'kubeconfig', rule: 'an https:// server' }),
    );
  });
});

describe('loadKubeConfig', () => {
  it('should refuse a missing file as a ValidationError naming the path and the system code', () => {
    const error = (() => {
      try {
        loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'VALIDATION',
      field: 'kubeconfig',
      message: 'kubeconfig: "/nonexistent/kubeconfig" cannot be read: no such file (ENOENT); name a kubeconfig file, or set KUBECONFIG',
    });
  });

  it('should refuse a file that is not a kubeconfig without quoting it', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.leaked-kube-token';
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'glkeys-kc-')), 'config');
    writeFileSync(file, `users:\n- name: u\n  user: {token: ${token}\n: [broken`);
    let error: unknown;
    try {
      loadKubeConfig({ kubeconfig: file });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'VALIDATION',
      field: 'kubeconfig',
      message: `kubeconfig: "${file}" is not a valid kubeconfig (YAML with clusters, users and contexts); name a kubeconfig file, or set KUBECONFIG`,
    });
    expect(everything(error as Error)).not.toContain('leaked-kube-token');
  });

  it('should refuse a plain-HTTP apiserver the client would refuse later, saying what to change', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'glkeys-kc-')), 'config');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:8080"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n',
    );
    expect(() => loadKubeConfig({ kubeconfig: file })).toThrow(
      expect.objectContaining({ field: 'kubeconfig', rule: 'an https:// server' }),
    );
  });
});
