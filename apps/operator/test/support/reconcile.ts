/** The reconciler's dependencies as the reconcile tests build them (real apiserver, GitLab simulator). */
import { testEnv } from '@glkeys/kube-testenv/vitest';
import { EventRecorder } from '../../src/events/recorder.js';
import { GitlabClients } from '../../src/gitlab/clients.js';
import { RateLimitGate } from '../../src/gitlab/rate-limit-gate.js';
import type { ReconcilerDeps } from '../../src/reconcilers/credential-reconciler.js';

export function testDeps(overrides: Partial<ReconcilerDeps> = {}): ReconcilerDeps {
  const kubeConfig = testEnv().kubeConfig;
  return {
    kubeConfig,
    clients: new GitlabClients({ timeoutMs: 5_000 }),
    gate: new RateLimitGate(),
    events: new EventRecorder(kubeConfig, { component: 'glkeys-operator', instance: 'test' }),
    scanKnownHosts: async () => 'unused',
    ...overrides,
  };
}
