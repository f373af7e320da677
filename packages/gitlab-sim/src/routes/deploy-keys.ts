// Project deploy keys. A key row can be shared by several projects through
// deploy_keys_projects join rows; can_push lives on the join row.
import type { RouteContext, Router } from '../router.js';
import type { DeployKey, DeployKeyProject, User } from '../state/model.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { json, noContent, gitlabError } from '../http/response.js';
import { paginate } from '../http/pagination.js';
import { isPresentString, toBool, scalarText } from '../http/params.js';
import { parseIsoDate } from '../http/validation.js';
import { projectLevel } from '../state/access.js';
import { nowIso } from '../state/ids.js';
import { parseSshPublicKey, sanitizeKeyLine, type SshKeyTechnology } from '../ssh-public-key.js';
import { intParam, requireProject } from './lookup.js';

// GitLab's default key restrictions: DSA forbidden, RSA at least 1024 bits.
const MIN_BITS: Record<SshKeyTechnology, number | 'forbidden'> = {
  rsa: 1024,
  dsa: 'forbidden',
  ecdsa: 0,
  ed25519: 0,
  ecdsa_sk: 0,
  ed25519_sk: 0,
};
const FORBIDDEN_MESSAGE = 'type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK';

export function presentDeployKey(k: DeployKey): Record<string, unknown> {
  return {
    id: k.id,
    title: k.title,
    created_at: k.createdAt,
    expires_at: k.expiresAt,
    last_used_at: null,
    key: k.key,
    usage_type: 'auth_and_signing',
    fingerprint: k.fingerprint,
    fingerprint_sha256: k.fingerprintSha256,
  };
}

function presentLink(ctx: RouteContext, link: DeployKeyProject): Record<string, unknown> {
  const key = ctx.state.deployKeyTable.get(link.keyId) as DeployKey;
  return { ...presentDeployKey(key), can_push: link.canPush };
}

/** Keys the caller may reuse: those on projects it maintains (Gitlab's accessible_deploy_keys). */
function accessibleKeys(ctx: RouteContext, user: User): Set<number> {
  const ids = new Set<number>();
  for (const link of ctx.state.deployKeyProjects) {
    const p = ctx.state.projectTable.get(link.projectId);
    if (p && projectLevel(ctx.state, user, p) >= ACCESS_LEVEL.maintainer) ids.add(link.keyId);
  }
  return ids;
}

function findLink(ctx: RouteContext, projectId: number): DeployKeyProject {
  const keyId = intParam(ctx, 'key_id');
  const link = ctx.state.deployKeyProjects.find((l) => l.projectId === projectId && l.keyId === keyId);
  if (!link) throw gitlabError.notFound();
  return link;
}

function create(ctx: RouteContext) {
  const { input, state } = ctx;
  const paramErrors: string[] = [];
  if (input['key'] === undefined || input['key'] === null) paramErrors.push('key is missing');
  else if (!isPresentString(input['key'])) paramErrors.push('key is invalid');
  if (input['title'] === undefined || input['title'] === null) paramErrors.push('title is missing');
  else if (!isPresentString(input['title'])) paramErrors.push('title is invalid');
  const canPush = toBool(input['can_push']);
  if (canPush === null) paramErrors.push('can_push is invalid');
  let expiresAt: string | null = null;
  if (input['expires_at'] !== undefined && input['expires_at'] !== null && input['expires_at'] !== '') {
    const d = parseIsoDate(input['expires_at']);
    if (!d) paramErrors.push('expires_at is invalid');
    else expiresAt = d.toISOString();
  }
  if (paramErrors.length > 0) throw gitlabError.invalidParams(paramErrors);
  const project = requireProject(ctx, ACCESS_LEVEL.maintainer);

  // GitLab strips the parameter, then looks keys up by that exact text (keys.key), while the
  // model stores the sanitized line: the same blob with another comment is a new key.
  const keyText = String(input['key']).trim();
  const keyLine = sanitizeKeyLine(keyText);
  const title = scalarText(input['title']);
  const parsed = parseSshPublicKey(keyLine);

  const sameText = (k: DeployKey | undefined) => k?.key === keyText;
  // The same key already on this project: GitLab answers with the existing record.
  const own = state.deployKeyProjects.find((l) => l.projectId === project.id && sameText(state.deployKeyTable.get(l.keyId)));
  if (own) return json(201, presentLink(ctx, own));
  // A key the caller can already reach elsewhere is shared, not duplicated.
  for (const id of accessibleKeys(ctx, ctx.user!)) {
    if (sameText(state.deployKeyTable.get(id))) {
      const link: DeployKeyProject = { keyId: id, projectId: project.id, canPush: canPush === true };
      state.deployKeyProjects.push(link);
      return json(201, presentLink(ctx, link));
    }
  }

  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[`deploy_key.${field}`] ??= []).push(message);
  if (title.trim() === '') add('title', "can't be blank");
  if (title.length > 255) add('title', 'is too long (maximum is 255 characters)');
  if (keyLine === '') add('key', "can't be blank");
  if (keyLine.length > 5000) add('key', 'is too long (maximum is 5000 characters)');
  if (!parsed) {
    add('key', FORBIDDEN_MESSAGE);
    add('fingerprint_sha256', 'cannot be generated');
  } else {
    const min = MIN_BITS[parsed.technology];
    if (min === 'forbidden') add('key', FORBIDDEN_MESSAGE);
    else if (parsed.bits < min) add('key', `must be at least ${min} bits`);
    const taken = [...state.deployKeyTable.values()].some((k) => k.fingerprintSha256 === parsed.fingerprintSha256);
    if (taken) add('fingerprint_sha256', 'has already been taken');
  }
  // Key#expiration, checked on create only.
  if (expiresAt !== null && Date.parse(expiresAt) < Date.now()) add('key', 'has expired');
  if (Object.keys(errors).length > 0 || !parsed) throw gitlabError.badRequest(errors);

  const key: DeployKey = {
    id: state.seq.deployKey.take(),
    title,
    key: keyLine,
    fingerprint: parsed.fingerprintMd5,
    fingerprintSha256: parsed.fingerprintSha256,
    createdAt: nowIso(),
    expiresAt,
    userId: ctx.user!.id,
  };
  state.deployKeyTable.set(key.id, key);
  const link: DeployKeyProject = { keyId: key.id, projectId: project.id, canPush: canPush === true };
  state.deployKeyProjects.push(link);
  return json(201, presentLink(ctx, link));
}

export function registerDeployKeyRoutes(router: Router): void {
  const base = '/projects/:id/deploy_keys';
  router.add({
    method: 'GET',
    template: base,
    auth: 'required',
    handler: (ctx) => {
      const project = requireProject(ctx, ACCESS_LEVEL.maintainer);
      const links = ctx.state.deployKeyProjects.filter((l) => l.projectId === project.id);
      return paginate(ctx, links, (l) => presentLink(ctx, l));
    },
  });
  router.add({
    method: 'GET',
    template: `${base}/:key_id`,
    auth: 'required',
    handler: (ctx) => json(200, presentLink(ctx, findLink(ctx, requireProject(ctx, ACCESS_LEVEL.maintainer).id))),
  });
  router.add({ method: 'POST', template: base, auth: 'required', handler: create });
  router.add({
    method: 'PUT',
    template: `${base}/:key_id`,
    auth: 'required',
    handler: (ctx) => {
      const project = requireProject(ctx, ACCESS_LEVEL.maintainer);
      const { input } = ctx;
      if (input['title'] === undefined && input['can_push'] === undefined) {
        throw gitlabError.invalidParams(['title, can_push are missing, at least one parameter must be provided']);
      }
      const canPush = toBool(input['can_push']);
      if (canPush === null) throw gitlabError.invalidParams(['can_push is invalid']);
      const link = findLink(ctx, project.id);
      const key = ctx.state.deployKeyTable.get(link.keyId) as DeployKey;
      if (input['title'] !== undefined) {
        const title = scalarText(input['title']);
        const errors: string[] = [];
        if (title.trim() === '') errors.push("can't be blank");
        if (title.length > 255) errors.push('is too long (maximum is 255 characters)');
        if (errors.length > 0) throw gitlabError.badRequest({ title: errors });
        key.title = title;
      }
      if (canPush !== undefined) link.canPush = canPush;
      // GitLab presents the join row (Entities::DeployKeysProject), so can_push is in the answer.
      return json(200, presentLink(ctx, link));
    },
  });
  router.add({
    method: 'DELETE',
    template: `${base}/:key_id`,
    auth: 'required',
    handler: (ctx) => {
      const project = requireProject(ctx, ACCESS_LEVEL.maintainer);
      const keyId = intParam(ctx, 'key_id');
      const link = ctx.state.deployKeyProjects.find((l) => l.projectId === project.id && l.keyId === keyId);
      if (!link) throw gitlabError.notFound('Deploy key');
      const { state } = ctx;
      state.deployKeyProjects = state.deployKeyProjects.filter((l) => l !== link);
      // The key itself goes once no project uses it any more.
      if (!state.deployKeyProjects.some((l) => l.keyId === link.keyId)) state.deployKeyTable.delete(link.keyId);
      return noContent();
    },
  });
  router.add({
    method: 'POST',
    template: `${base}/:key_id/enable`,
    auth: 'required',
    handler: (ctx) => {
      const project = requireProject(ctx, ACCESS_LEVEL.maintainer);
      const keyId = intParam(ctx, 'key_id');
      const key = ctx.state.deployKeyTable.get(keyId);
      if (!key || !(ctx.user!.admin || accessibleKeys(ctx, ctx.user!).has(keyId))) throw gitlabError.notFound('Deploy key');
      if (!ctx.state.deployKeyProjects.some((l) => l.projectId === project.id && l.keyId === keyId)) {
        ctx.state.deployKeyProjects.push({ keyId, projectId: project.id, canPush: false });
      }
      return json(201, presentDeployKey(key));
    },
  });
}
