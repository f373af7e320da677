/** Pure pieces of the operator: condition bookkeeping and the per-user rate-limit gate. */
import { describe, expect, it } from 'vitest';
import { outcomeConditions, setCondition } from '../../src/status/conditions.js';
import { RateLimitGate, userKeyOf } from '../../src/gitlab/rate-limit-gate.js';

const t0 = new Date('2026-12-01T00:00:00Z');
const t1 = new Date('2026-12-01T01:00:00Z');

describe('conditions', () => {
  it('should move lastTransitionTime only when the status flips, and always update reason, message and generation', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: 'a', observedGeneration: 1 }, t0);
    const same = setCondition(first, { type: 'Ready', status: 'False', reason: 'Failing', message: 'b', observedGeneration: 2 }, t1);
    expect(same).toEqual([
      { type: 'Ready', status: 'False', reason: 'Failing', message: 'b', observedGeneration: 2, lastTransitionTime: t0.toISOString() },
    ]);
    const flipped = setCondition(same, { type: 'Ready', status: 'True', reason: 'Ready', message: 'c', observedGeneration: 2 }, t1);
    expect(flipped[0]!.lastTransitionTime).toBe(t1.toISOString());
  });

  it('should keep Reconciling and Stalled present only while true', () => {
    const progressing = outcomeConditions([], { state: 'progressing', reason: 'Rotating', message: 'm', generation: 3 }, t0);
    expect(progressing.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'Unknown'],
      ['Reconciling', 'True'],
    ]);
    const stalled = outcomeConditions(progressing, { state: 'stalled', reason: 'AuthSecretMissing', message: 'm', generation: 3 }, t1);
    expect(stalled.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'False'],
      ['Stalled', 'True'],
    ]);
    const ready = outcomeConditions(stalled, { state: 'ready', reason: 'CredentialReady', message: 'm', generation: 4 }, t1);
    expect(ready.map((c) => [c.type, c.status, c.observedGeneration])).toEqual([['Ready', 'True', 4]]);
  });
});

describe('rate-limit gate', () => {
  it('should pause one user (host and token), not others, for the longest wait asked', () => {
    let now = 0;
    const gate = new RateLimitGate(() => now);
    const alice = userKeyOf('gitlab.example.com', 'glpat-alice');
    const bob = userKeyOf('gitlab.example.com', 'glpat-bob');
    expect(alice).not.toContain('glpat');
    gate.pause(alice, 30_000);
    gate.pause(alice, 5_000);
    expect(gate.remainingMs(alice)).toBe(30_000);
    expect(gate.remainingMs(bob)).toBe(0);
    expect(gate.remainingMs(userKeyOf('other.example.com', 'glpat-alice'))).toBe(0);
    now = 29_000;
    expect(gate.remainingMs(alice)).toBe(1_000);
    expect(gate.pausedUsers()).toBe(1);
    now = 30_000;
    expect(gate.remainingMs(alice)).toBe(0);
    expect(gate.pausedUsers()).toBe(0);
  });
});

describe('GitLab clients', () => {
  it('should share a client per user and drop one unused for an hour (a rotated PAT leaves no old token behind)', async () => {
    const { GitlabClients } = await import('../../src/gitlab/clients.js');
    let now = 0;
    const clients = new GitlabClients({}, () => now);
    const old = clients.get({ url: 'https://gitlab.example.com', token: 'glpat-old-000000000000' });
    expect(clients.get({ url: 'https://gitlab.example.com', token: 'glpat-old-000000000000' })).toBe(old);
    now = 30 * 60_000;
    clients.get({ url: 'https://gitlab.example.com', token: 'glpat-new-000000000000' });
    expect(clients.size).toBe(2);
    now = 91 * 60_000;
    clients.get({ url: 'https://gitlab.example.com', token: 'glpat-new-000000000000' });
    expect(clients.size).toBe(1);
  });
});
