import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generate, maskingProblem, planSetup, variableKeyProblem, type CurrentState, type Needs } from '../src/index.js';

const EMPTY: CurrentState = { variables: [], deployTokens: [] };
const TOKEN = 'kestra_tok-0123456789abcdef';

const kestraNeeds = generate({
  preset: 'kestra',
  options: { kestraVersion: '1.0.4', host: 'https://kestra.example.com', namespaces: ['prod'] },
}).needs;
const pullNeeds = generate({ preset: 'registry-pull', options: { image: '$CI_REGISTRY_IMAGE/app:1.0.0' } }).needs;

describe('what presets need', () => {
  it('kestra: an unprotected validate token and a protected deploy token, both masked', () => {
    expect(kestraNeeds.deployTokens).toEqual([]);
    expect(kestraNeeds.variables.map(({ key, masked, protected: p }) => ({ key, masked, protected: p }))).toEqual([
      { key: 'KESTRA_VALIDATE_API_TOKEN', masked: true, protected: false },
      { key: 'KESTRA_API_TOKEN', masked: true, protected: true },
    ]);
  });

  it('kestra --local needs no validate credential', () => {
    const { needs } = generate({
      preset: 'kestra',
      options: { kestraVersion: '1.0.4', host: 'https://k.example', namespaces: ['p'], local: true, auth: 'basic' },
    });
    expect(needs.variables.map((v) => v.key)).toEqual(['KESTRA_USER', 'KESTRA_PASSWORD']);
  });

  it('registry-pull: the gitlab-deploy-token deploy token with read_registry', () => {
    expect(pullNeeds).toEqual({ variables: [], deployTokens: [{ name: 'gitlab-deploy-token', scopes: ['read_registry'] }] });
  });
});

describe('planSetup', () => {
  it('creates masked and protected variables and the deploy token on a fresh project', () => {
    const needs: Needs = { variables: kestraNeeds.variables, deployTokens: pullNeeds.deployTokens };
    const plan = planSetup(needs, EMPTY, { KESTRA_VALIDATE_API_TOKEN: `${TOKEN}-v`, KESTRA_API_TOKEN: TOKEN });
    expect(plan.ok).toBe(true);
    expect(plan.upToDate).toBe(false);
    expect(plan.actions.map((a) => a.kind)).toEqual(['create-variable', 'create-variable', 'create-deploy-token']);
    const deploy = plan.actions[1];
    expect(deploy).toMatchObject({
      kind: 'create-variable',
      key: 'KESTRA_API_TOKEN',
      masked: true,
      protected: true,
      environmentScope: '*',
    });
    if (deploy?.kind === 'create-variable') expect(deploy.value.reveal()).toBe(TOKEN);
  });

  it('never shows a value when the plan is printed, logged or serialised', () => {
    const plan = planSetup(kestraNeeds, EMPTY, { KESTRA_VALIDATE_API_TOKEN: `${TOKEN}-v`, KESTRA_API_TOKEN: TOKEN });
    expect(JSON.stringify(plan)).not.toContain(TOKEN);
    expect(inspect(plan, { depth: 10 })).not.toContain(TOKEN);
    expect(`${JSON.stringify(plan.actions[0])}`).toContain('[redacted]');
  });

  it('is idempotent: the state after the first plan gives a plan with nothing to do', () => {
    const values = { KESTRA_VALIDATE_API_TOKEN: `${TOKEN}-v`, KESTRA_API_TOKEN: TOKEN };
    const needs: Needs = { variables: kestraNeeds.variables, deployTokens: pullNeeds.deployTokens };
    const after: CurrentState = {
      variables: needs.variables.map((v) => ({
        key: v.key,
        masked: v.masked,
        protected: v.protected,
        environment_scope: '*',
        value: values[v.key as keyof typeof values],
      })),
      deployTokens: [{ id: 7, name: 'gitlab-deploy-token', scopes: ['read_registry'], revoked: false, expired: false }],
    };
    for (const provided of [values, {}]) {
      const plan = planSetup(needs, after, provided);
      expect(plan.upToDate).toBe(true);
      expect(plan.actions.map((a) => a.kind)).toEqual(['keep-variable', 'keep-variable', 'keep-deploy-token']);
    }
  });

  it('updates a variable whose flags or value differ', () => {
    const current: CurrentState = {
      variables: [{ key: 'KESTRA_API_TOKEN', masked: false, protected: false, value: 'old-value-123456' }],
      deployTokens: [],
    };
    const plan = planSetup({ variables: [kestraNeeds.variables[1]!], deployTokens: [] }, current, { KESTRA_API_TOKEN: TOKEN });
    expect(plan.actions[0]).toMatchObject({ kind: 'update-variable', changes: ['value', 'masked', 'protected'] });
  });

  it('refuses unmaskable values with the reason and without the value', () => {
    const plan = planSetup(kestraNeeds, EMPTY, { KESTRA_VALIDATE_API_TOKEN: 'short', KESTRA_API_TOKEN: 'has space and #hash1' });
    expect(plan.ok).toBe(false);
    expect(plan.actions).toEqual([]);
    expect(plan.refusals.map((r) => r.field)).toEqual(['variables.KESTRA_VALIDATE_API_TOKEN', 'variables.KESTRA_API_TOKEN']);
    expect(plan.refusals[0]?.rule).toMatch(/5 characters long and a masked value needs at least 8/);
    expect(plan.refusals[1]?.rule).toMatch(/contains a space, "#"/);
    expect(JSON.stringify(plan)).not.toMatch(/short|has space/);
  });

  it('refuses a missing value, an unknown value key and a bad key', () => {
    const plan = planSetup(
      { variables: [{ key: 'BAD-KEY', masked: false, protected: true, description: 'x' }, ...kestraNeeds.variables], deployTokens: [] },
      EMPTY,
      { KESTRA_API_TOKEN: TOKEN, EXTRA: 'x' },
    );
    expect(plan.refusals.map((r) => r.field)).toEqual(['values.EXTRA', 'variables.BAD-KEY', 'variables.KESTRA_VALIDATE_API_TOKEN']);
    expect(plan.refusals[2]?.rule).toMatch(/a value is required/);
  });

  it('keeps an existing hidden value when none is given', () => {
    const current: CurrentState = { variables: [{ key: 'KESTRA_API_TOKEN', masked: true, protected: true }], deployTokens: [] };
    const plan = planSetup({ variables: [kestraNeeds.variables[1]!], deployTokens: [] }, current);
    expect(plan.actions).toEqual([{ kind: 'keep-variable', key: 'KESTRA_API_TOKEN', reason: 'already set as required' }]);
  });

  it('ignores revoked or expired tokens and refuses a live token without the scope', () => {
    const stale: CurrentState = {
      variables: [],
      deployTokens: [{ id: 1, name: 'gitlab-deploy-token', scopes: ['read_registry'], revoked: true }],
    };
    expect(planSetup(pullNeeds, stale).actions).toEqual([
      { kind: 'create-deploy-token', name: 'gitlab-deploy-token', scopes: ['read_registry'] },
    ]);
    const wrong: CurrentState = { variables: [], deployTokens: [{ id: 2, name: 'gitlab-deploy-token', scopes: ['read_repository'] }] };
    const plan = planSetup(pullNeeds, wrong);
    expect(plan.ok).toBe(false);
    expect(plan.refusals[0]).toMatchObject({ field: 'deployTokens.gitlab-deploy-token' });
    expect(plan.refusals[0]?.rule).toMatch(/lacks read_registry.*revoke/);
  });
});

describe("GitLab's variable rules", () => {
  it.each([
    ['abcdefgh', undefined],
    ['a_b+c=d/e@f:g.h~i-j', undefined],
    ['abc', /3 characters long/],
    ['abcdefg\n', /a line break/],
    ['pässwörd12', /a non-ASCII character/],
    ['abc$defgh', /"\$"/],
  ])('masking %j', (value, problem) => {
    const result = maskingProblem(value);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });

  it.each([
    ['KESTRA_API_TOKEN', true],
    ['a', true],
    ['', false],
    ['WITH-DASH', false],
    ['X'.repeat(256), false],
  ])('key %j valid=%s', (key, valid) => {
    expect(variableKeyProblem(key) === undefined).toBe(valid);
  });
});
