/** How failures are reported: exit code, `retryable`, hints; the binary against the simulator and the apiserver. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlkeysError, RateLimitedError, ValidationError } from '@glkeys/core';
import { ConflictError, KubernetesApiError } from '@glkeys/core/kubernetes';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { reportError } from '../src/lib/errors.js';
import { runCli } from './support/run-cli.js';

let sim: GitlabSim;
const ns = useNamespace('errors');
const PROJECT = 'platform/apps/web';

beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.close();
});

type ErrorJson = { error: { code: string; message: string; exitCode: number; retryable: boolean; field?: string; hint?: string } };
const createArgs = () => ['token', 'create', '--project', PROJECT, '--name', 'flux', '--secret', 'pull', '--namespace', ns.name, '--json'];

describe('Kubernetes failures from the binary', () => {
  it('reports a ServiceAccount without RBAC as KUBERNETES 403, exit 5, not retryable, before any GitLab write', async () => {
    const { kubeconfigPath } = await testEnv().kubeconfigFor({ serviceAccount: { namespace: ns.name, name: 'no-rbac' } });
    sim.log.clear();
    const run = await runCli(createArgs(), { env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: kubeconfigPath } });
    expect(run.code).toBe(5);
    const { error } = run.json<ErrorJson>();
    expect(error).toMatchObject({ code: 'KUBERNETES', exitCode: 5, retryable: false });
    expect(error.message).toMatch(/^Kubernetes API: get Namespace kube-system refused \(403 Forbidden\)$/);
    expect(error.hint).toMatch(/RBAC/);
    expect(sim.log.count({ write: true })).toBe(0);
  });

  it('reports an unreadable kubeconfig as VALIDATION, exit 2, naming the field', async () => {
    sim.log.clear();
    const run = await runCli(createArgs(), {
      env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: '/nonexistent/kubeconfig' },
    });
    expect(run.code).toBe(2);
    expect(run.json<ErrorJson>().error).toMatchObject({
      code: 'VALIDATION',
      field: '--kubeconfig',
      retryable: false,
      message: expect.stringMatching(
        /^--kubeconfig: "\/nonexistent\/kubeconfig" cannot be read: no such file \(ENOENT\); name a kubeconfig file, or set KUBECONFIG$/,
      ),
    });
    // Exit 2 promises that nothing was sent to GitLab: not even a read.
    expect(sim.log.count()).toBe(0);
  });
});

describe('reportError', () => {
  const kubeRequest = { verb: 'apply', resource: 'Secret', namespace: 'ns', name: 'creds' };

  it('calls a Kubernetes conflict retryable, with a hint to run again', () => {
    const report = reportError(
      new ConflictError('Kubernetes API: apply Secret ns/creds refused (409 Conflict)', {
        request: kubeRequest,
        status: 409,
        reason: 'Conflict',
      }),
    );
    expect(report).toMatchObject({
      code: 'CONFLICT',
      exitCode: 5,
      retryable: true,
      hint: expect.stringContaining('run the command again'),
    });
    const ambiguous = reportError(new GlkeysError('CONFLICT', 'Several projects in g are named "web"'));
    expect(ambiguous).toMatchObject({ code: 'CONFLICT', retryable: false });
    expect(ambiguous.hint).toBeUndefined();
  });

  it('says how long GitLab or the apiserver asked to wait', () => {
    const limited = reportError(
      new RateLimitedError('429', { request: { method: 'GET', path: 'projects' }, status: 429, retryAfterMs: 2_500 }),
    );
    expect(limited).toMatchObject({
      code: 'RATE_LIMITED',
      exitCode: 5,
      retryable: true,
      retryAfterMs: 2_500,
      hint: expect.stringContaining('wait 3 s'),
    });
    const busy = reportError(
      new KubernetesApiError('429', { request: kubeRequest, status: 429, reason: 'TooManyRequests', retryAfterMs: 90_000 }),
    );
    expect(busy).toMatchObject({ code: 'KUBERNETES', retryable: true, retryAfterMs: 90_000, hint: expect.stringContaining('wait 90 s') });
  });

  it('calls a timeout retryable and bad input not', () => {
    const timeout = reportError(new KubernetesApiError('no answer', { request: kubeRequest, reason: 'Timeout' }));
    expect(timeout).toMatchObject({ code: 'KUBERNETES', retryable: true, hint: expect.stringContaining('did not answer') });
    expect(reportError(new ValidationError('project', 'a path'))).toMatchObject({ exitCode: 2, retryable: false });
    expect(reportError(new TypeError('x is undefined'))).toMatchObject({ code: 'ERROR', exitCode: 5, retryable: true });
  });

  it('keeps only the status of a raw Kubernetes client error, never its body', () => {
    class ApiException extends Error {
      constructor(
        readonly code: number,
        readonly body: string,
      ) {
        super(`HTTP-Code: ${code}\nBody: ${body}`);
      }
    }
    const report = reportError(new ApiException(422, '{"message":"Secret is invalid: Invalid value: \\"glpat-raw-secret\\""}'));
    expect(report).toMatchObject({ code: 'KUBERNETES', message: 'Kubernetes API answered 422', retryable: false });
    expect(JSON.stringify(report)).not.toContain('glpat-raw-secret');
  });
});
