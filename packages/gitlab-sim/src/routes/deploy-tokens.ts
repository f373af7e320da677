// Project and group deploy tokens. DELETE destroys the row (GitLab's
// DeployTokenMethods#destroy_deploy_token), so afterwards GET answers 404 and the
// list no longer shows it; a UI revoke (state.revokeDeployToken) keeps it listed
// with revoked: true.
import type { RouteContext, Router } from '../router.js';
import type { DeployToken } from '../state/model.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { json, noContent, gitlabError } from '../http/response.js';
import { paginate } from '../http/pagination.js';
import { isPresentString, toBool, toStringArray, scalarText } from '../http/params.js';
import { parseIsoDate, toSentence } from '../http/validation.js';
import { intParam, requireGroup, requireProject } from './lookup.js';

// GitLab's group endpoint validates against the same list as the project one
// (DeployToken::AVAILABLE_SCOPES), although its prose docs list five scopes for groups.
const SCOPES = [
  'read_repository',
  'read_registry',
  'write_registry',
  'read_package_registry',
  'write_package_registry',
  'read_virtual_registry',
  'write_virtual_registry',
];
const USERNAME = /^[a-zA-Z0-9.+_-]+$/;

/** DeployToken#expired?: compares with today's date, so it flips at day granularity. */
function isExpired(t: DeployToken, now = new Date()): boolean {
  if (t.expiresAt === null) return false;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Date.parse(t.expiresAt) < today;
}

/** DeployToken.active scope: not revoked and not past expires_at. */
function isActive(t: DeployToken, now = Date.now()): boolean {
  return !t.revoked && (t.expiresAt === null || Date.parse(t.expiresAt) >= now);
}

function present(t: DeployToken): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    username: t.username,
    expires_at: t.expiresAt,
    scopes: t.scopes,
    revoked: t.revoked,
    expired: isExpired(t),
  };
}

type Owner = DeployToken['owner'];

function create(ctx: RouteContext, resolveOwner: (ctx: RouteContext) => Owner, allowed: string[]) {
  const { input } = ctx;
  // Grape parameter validation first: all its errors in one {"error": "..."}.
  const paramErrors: string[] = [];
  if (input['name'] === undefined || input['name'] === null) paramErrors.push('name is missing');
  else if (!isPresentString(input['name'])) paramErrors.push('name is invalid');
  const scopes = toStringArray(input['scopes']);
  if (scopes === undefined || input['scopes'] === null) paramErrors.push('scopes is missing');
  else if (scopes === null) paramErrors.push('scopes is invalid');
  else if (scopes.some((s) => !allowed.includes(s))) paramErrors.push('scopes does not have a valid value');
  let expiresAt: string | null = null;
  if (input['expires_at'] !== undefined && input['expires_at'] !== null && input['expires_at'] !== '') {
    const d = parseIsoDate(input['expires_at']);
    if (!d) paramErrors.push('expires_at is invalid');
    else expiresAt = d.toISOString();
  }
  if (input['username'] !== undefined && input['username'] !== null && !isPresentString(input['username'])) {
    paramErrors.push('username is invalid');
  }
  // Grape validates parameters before the endpoint looks the project/group up.
  if (paramErrors.length > 0) throw gitlabError.invalidParams(paramErrors);
  const owner = resolveOwner(ctx);

  // Then the model's validations, reported as one sentence in {"message": "..."}.
  const name = String(input['name']);
  const username =
    input['username'] === undefined || input['username'] === null || input['username'] === '' ? undefined : scalarText(input['username']);
  const messages: string[] = [];
  if (!scopes || scopes.length === 0) messages.push("Scopes can't be blank");
  if (name.trim() === '') messages.push("Name can't be blank");
  if (name.length > 255) messages.push('Name is too long (maximum is 255 characters)');
  if (username !== undefined) {
    if (username.length > 255) messages.push('Username is too long (maximum is 255 characters)');
    if (!USERNAME.test(username)) messages.push("Username can contain only letters, digits, '_', '-', '+', and '.'");
  }
  if (messages.length > 0) throw gitlabError.badRequest(toSentence(messages));

  const token = ctx.state.createDeployToken(owner, { name, scopes: scopes ?? [], username, expiresAt });
  return json(201, { ...present(token), token: token.token });
}

function tokensOf(ctx: RouteContext, owner: Owner): DeployToken[] {
  return [...ctx.state.deployTokenTable.values()].filter((t) => t.owner.kind === owner.kind && t.owner.id === owner.id);
}

function findToken(ctx: RouteContext, owner: Owner): DeployToken {
  const id = intParam(ctx, 'token_id');
  const t = ctx.state.deployTokenTable.get(id);
  if (!t || t.owner.kind !== owner.kind || t.owner.id !== owner.id) throw gitlabError.notFound();
  return t;
}

function list(ctx: RouteContext, owner: Owner) {
  const active = toBool(ctx.query.get('active') ?? undefined);
  if (active === null) throw gitlabError.invalidParams(['active is invalid']);
  const tokens = tokensOf(ctx, owner).filter((t) => (active ? isActive(t) : true));
  return paginate(ctx, tokens, present);
}

export function registerDeployTokenRoutes(router: Router): void {
  const project = (ctx: RouteContext): Owner => ({ kind: 'project', id: requireProject(ctx, ACCESS_LEVEL.maintainer).id });
  const groupRead = (ctx: RouteContext): Owner => ({ kind: 'group', id: requireGroup(ctx, ACCESS_LEVEL.maintainer).id });
  const groupWrite = (ctx: RouteContext): Owner => ({ kind: 'group', id: requireGroup(ctx, ACCESS_LEVEL.owner).id });

  for (const [base, read, write] of [
    ['/projects/:id', project, project],
    ['/groups/:id', groupRead, groupWrite],
  ] as const) {
    router.add({ method: 'GET', template: `${base}/deploy_tokens`, auth: 'required', handler: (ctx) => list(ctx, read(ctx)) });
    router.add({
      method: 'GET',
      template: `${base}/deploy_tokens/:token_id`,
      auth: 'required',
      handler: (ctx) => json(200, present(findToken(ctx, read(ctx)))),
    });
    router.add({
      method: 'POST',
      template: `${base}/deploy_tokens`,
      auth: 'required',
      handler: (ctx) => create(ctx, write, SCOPES),
    });
    router.add({
      method: 'DELETE',
      template: `${base}/deploy_tokens/:token_id`,
      auth: 'required',
      handler: (ctx) => {
        const t = findToken(ctx, write(ctx));
        ctx.state.deployTokenTable.delete(t.id);
        return noContent();
      },
    });
  }

  // Instance-wide list, admins only (GET /deploy_tokens).
  router.add({
    method: 'GET',
    template: '/deploy_tokens',
    auth: 'required',
    handler: (ctx) => {
      const active = toBool(ctx.query.get('active') ?? undefined);
      // Grape validates parameters before the endpoint's admin check runs.
      if (active === null) throw gitlabError.invalidParams(['active is invalid']);
      if (!ctx.user?.admin) throw gitlabError.forbidden();
      const tokens = [...ctx.state.deployTokenTable.values()].filter((t) => (active ? isActive(t) : true));
      return paginate(ctx, tokens, present);
    },
  });
}
