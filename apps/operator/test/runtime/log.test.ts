// The JSON logger: one object per line, levels, child fields, and the redaction backstop.
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../src/runtime/log.js';

function capture(level: 'debug' | 'info' | 'error' = 'info') {
  const lines: string[] = [];
  const log = createLogger({ level, sink: (line) => lines.push(line), now: () => new Date(0) });
  return { lines, log, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const PAT = 'glpat-Ab3dE6gH9jK2mN5pQ8sT';
const DEPLOY = 'gldt-xY7zW4vU1tS8rQ5pO2nM';
const PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

describe('logger', () => {
  it('writes one JSON object per line with level, ts, msg, fields and child fields', () => {
    const { lines, log, records } = capture();
    log.child({ controller: 'gitlabdeploytoken' }).child({ key: 'ns/a' }).info('Reconciling', { generation: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(records()[0]).toEqual({
      level: 'info',
      ts: '1970-01-01T00:00:00.000Z',
      msg: 'Reconciling',
      controller: 'gitlabdeploytoken',
      key: 'ns/a',
      generation: 3,
    });
  });

  it('filters by level and describes errors by message, type and code', () => {
    const { log, records } = capture('info');
    log.debug('noise');
    log.info('kept');
    log.error('failed', Object.assign(new Error('GitLab answered 503'), { code: 'GITLAB_SERVER' }));
    expect(records().map((r) => r['msg'])).toEqual(['kept', 'failed']);
    expect(records()[1]).toMatchObject({ level: 'error', error: 'GitLab answered 503', errorType: 'Error', errorCode: 'GITLAB_SERVER' });
    const verbose = capture('debug');
    verbose.log.debug('seen');
    expect(verbose.records()).toHaveLength(1);
  });

  it('redacts fields named like credentials, however they are spelled', () => {
    const { log, records } = capture();
    log.info('fields', {
      token: 'x1',
      accessToken: 'x2',
      password: 'x3',
      private_key: 'x4',
      privateKey: 'x5',
      identity: 'x6',
      secretValue: 'x7',
      nested: { Authorization: 'Bearer x8', tokenId: 42 },
      secretName: 'app-gitlab',
    });
    expect(records()[0]).toMatchObject({
      token: REDACTED,
      accessToken: REDACTED,
      password: REDACTED,
      private_key: REDACTED,
      privateKey: REDACTED,
      identity: REDACTED,
      secretValue: REDACTED,
      nested: { Authorization: REDACTED, tokenId: 42 },
      secretName: 'app-gitlab',
    });
  });

  it('never prints a token-looking string, wherever it hides', () => {
    const { lines, log } = capture('debug');
    log.info(`minted ${PAT}`);
    log.info('field', { value: DEPLOY, list: ['ok', PEM], deep: { a: { b: PAT } } });
    log.error('failed', new Error(`request with ${PAT} failed`));
    log.error('thrown string', PEM);
    log.child({ note: DEPLOY }).debug('child');
    log.info('key name', { [PAT]: 1 });
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).not.toMatch(/glpat-|gldt-|-----BEGIN|b3BlbnNzaC/);
    }
    // The line whose field name held the token is withheld whole.
    expect(JSON.parse(lines[5]!)).toMatchObject({ level: 'error', msg: expect.stringContaining('withheld') });
  });

  it('leaves ordinary text alone', () => {
    const { log, records } = capture();
    log.info('rotated deploy token 42 for group/app', { project: 'group/app', scopes: ['read_repository'] });
    expect(records()[0]).toMatchObject({ msg: 'rotated deploy token 42 for group/app', project: 'group/app', scopes: ['read_repository'] });
  });
});
