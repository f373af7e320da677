/**
 * A create whose answer was lost (a 5xx, a reset connection, no answer in time) may have
 * created the credential anyway, and GitLab never shows a token value twice: a token made that
 * way is live and nobody holds it. Retrying would make a second one. These helpers find what
 * the failed call created and revoke it (a deploy token) or hand it over (a deploy key, whose
 * private half the caller still holds), and throw an error that says which it was.
 *
 * A plain create carries no owner marker (its name is the user's, and GitLab gives some names a
 * meaning: `gitlab-deploy-token`), so the token is recognised by its name among the tokens that
 * were not there before the call: one list before (a read), and one after a failure only.
 */
import { GitlabApiError, GlkeysError, GitlabServerError, NetworkError, TimeoutError, type GlkeysErrorCode } from '../errors.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { createDeployToken, listDeployTokens, revokeDeployToken, type NewDeployToken } from '../deploy-tokens/api.js';
import { validateCreateDeployToken, type CreateDeployTokenInput } from '../deploy-tokens/validate.js';
import { listDeployKeys, registerDeployKey, type DeployKey, type RegisterDeployKeyInput } from '../deploy-keys/api.js';
import { parsePublicKey } from '../ssh/public-key.js';
import { formatRef, type GitlabRef } from '../ids/gitlab-ref.js';
import { describeTarget, type CredentialTarget } from '../target.js';
import { shown } from '../shown.js';

/**
 * What became of a create whose answer was lost: `revoked` (it had created these, now revoked),
 * `none` (nothing new was found after the failure), `unknown` (the check or a revoke failed:
 * `live` may hold credentials nobody holds). Its code is the failure's (`GITLAB_SERVER`, …).
 */
export class CreateOutcomeError extends GlkeysError {
  readonly outcome: 'revoked' | 'none' | 'unknown';
  readonly revoked: number[];
  readonly live: number[];

  constructor(
    code: GlkeysErrorCode,
    message: string,
    init: { cause: unknown; outcome: 'revoked' | 'none' | 'unknown'; revoked?: number[]; live?: number[] },
  ) {
    super(code, message, { cause: init.cause });
    this.outcome = init.outcome;
    this.revoked = init.revoked ?? [];
    this.live = init.live ?? [];
  }
}

/** Whether GitLab may have acted although the call failed. 4xx answers are refusals: nothing was made. */
export function mayHaveActed(error: unknown): error is GitlabApiError {
  return error instanceof GitlabServerError || error instanceof NetworkError || error instanceof TimeoutError;
}

/**
 * createDeployToken, and when its answer is lost, the tokens it made (same name, not listed
 * before the call, not revoked) are revoked and CreateOutcomeError says so. Costs one list
 * before the create.
 */
export async function createDeployTokenOrRevoke(
  api: GitlabApi,
  target: CredentialTarget,
  input: CreateDeployTokenInput,
  now: Date = new Date(),
  options: GitlabCallOptions = {},
): Promise<NewDeployToken> {
  const { name } = validateCreateDeployToken(target.kind, input, now);
  const before = new Set((await listDeployTokens(api, target, signalOnly(options))).map((t) => t.id));
  try {
    return await createDeployToken(api, target, input, now, options);
  } catch (error) {
    if (!mayHaveActed(error)) throw error;
    const failed = failure(error);
    const where = describeTarget(target);
    let made: number[];
    try {
      made = (await listDeployTokens(api, target, signalOnly(options)))
        .filter((t) => !before.has(t.id) && t.name === name && !t.revoked)
        .map((t) => t.id);
    } catch {
      throw new CreateOutcomeError(
        error.code,
        `${failed}, and listing the deploy tokens of ${where} failed too: a deploy token named ${shown(name)} may be live there with nobody holding it; list them and revoke it`,
        { cause: error, outcome: 'unknown' },
      );
    }
    if (made.length === 0) {
      throw new CreateOutcomeError(error.code, `${failed}; no new deploy token named ${shown(name)} is on ${where}, so none was created`, {
        cause: error,
        outcome: 'none',
      });
    }
    const revoked: number[] = [];
    const live: number[] = [];
    for (const id of made) {
      await revokeDeployToken(api, target, id, signalOnly(options)).then(
        () => revoked.push(id),
        () => live.push(id),
      );
    }
    if (live.length > 0) {
      throw new CreateOutcomeError(
        error.code,
        `${failed} after creating deploy token ${live.join(', ')} on ${where}; revoking it failed: it is live and nobody holds its value; revoke it`,
        { cause: error, outcome: 'unknown', revoked, live },
      );
    }
    throw new CreateOutcomeError(
      error.code,
      `${failed} after creating deploy token ${revoked.join(', ')} on ${where}; it was found by its name and revoked, so nothing is left live`,
      { cause: error, outcome: 'revoked', revoked },
    );
  }
}

/**
 * registerDeployKey, and when its answer is lost, the key is looked up by its public key: if
 * GitLab registered it, it is returned (the caller holds the private half: nothing is lost);
 * if not, CreateOutcomeError (`none`) says so.
 */
export async function registerDeployKeyOrFind(
  api: GitlabApi,
  project: GitlabRef,
  input: RegisterDeployKeyInput,
  now: Date = new Date(),
  options: GitlabCallOptions = {},
): Promise<DeployKey & { recovered: boolean }> {
  try {
    return { ...(await registerDeployKey(api, project, input, now, options)), recovered: false };
  } catch (error) {
    if (!mayHaveActed(error)) throw error;
    const blob = parsePublicKey(input.key).line.split(' ').slice(0, 2).join(' ');
    const failed = failure(error);
    let found: DeployKey | undefined;
    try {
      found = (await listDeployKeys(api, project, signalOnly(options))).find((k) => k.key.split(' ').slice(0, 2).join(' ') === blob);
    } catch {
      throw new CreateOutcomeError(
        error.code,
        `${failed}, and listing the deploy keys of project ${formatRef(project)} failed too: the key may be registered there`,
        { cause: error, outcome: 'unknown' },
      );
    }
    if (!found) {
      throw new CreateOutcomeError(error.code, `${failed}; the key is not on project ${formatRef(project)}, so it was not registered`, {
        cause: error,
        outcome: 'none',
      });
    }
    return { ...found, recovered: true };
  }
}

/** "GitLab's answer to POST projects/…/deploy_tokens was lost (502)": the call and how it failed, never a body. */
function failure(error: GitlabApiError): string {
  const why =
    error.status !== undefined
      ? `GitLab answered ${error.status}`
      : error instanceof TimeoutError
        ? 'no answer in time'
        : 'the connection failed';
  return `GitLab's answer to ${error.request.method} ${error.request.path} was lost (${why})`;
}
