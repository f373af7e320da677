// Project CI/CD variables. Keys are unique per environment_scope; masked values
// must match Ci::Maskable::REGEX; "hidden" (masked_and_hidden) values are never
// returned again, like GitLab.
import type { RouteContext, Router } from '../router.js';
import type { CiVariable } from '../state/model.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { json, noContent, gitlabError, HttpError } from '../http/response.js';
import { paginate } from '../http/pagination.js';
import { isPresentString, toBool, scalarText } from '../http/params.js';
import { requireProject } from './lookup.js';

const KEY = /^[a-zA-Z0-9_]+$/;
const MASKABLE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
const TYPES = ['env_var', 'file'];

function present(v: CiVariable): Record<string, unknown> {
  return {
    variable_type: v.variableType,
    key: v.key,
    value: v.hidden ? null : v.value,
    hidden: v.hidden,
    protected: v.protected,
    masked: v.masked,
    raw: v.raw,
    environment_scope: v.environmentScope,
    description: v.description,
  };
}

/** The variable named by :key, disambiguated by filter[environment_scope]. */
function findVariable(ctx: RouteContext, projectId: number): CiVariable {
  const key = ctx.params['key'] ?? '';
  const scope =
    ctx.query.get('filter[environment_scope]') ?? (ctx.input['filter'] as Record<string, string> | undefined)?.['environment_scope'];
  const found = ctx.state.variableTable.filter(
    (v) => v.projectId === projectId && v.key === key && (scope === undefined || scope === null || v.environmentScope === scope),
  );
  if (found.length > 1) {
    throw new HttpError(
      json(409, {
        message: "409 Conflict: There are multiple variables with provided parameters. Please use 'filter[environment_scope]'",
      }),
    );
  }
  if (!found[0]) throw gitlabError.notFound('Variable');
  return found[0];
}

/** Grape type checks shared by POST and PUT. */
function paramErrors(input: Record<string, unknown>, required: string[]): string[] {
  const errors: string[] = [];
  for (const r of required) if (input[r] === undefined || input[r] === null) errors.push(`${r} is missing`);
  for (const b of ['protected', 'masked', 'raw', 'masked_and_hidden']) if (toBool(input[b]) === null) errors.push(`${b} is invalid`);
  if (input['variable_type'] !== undefined && !TYPES.includes(scalarText(input['variable_type']))) {
    errors.push('variable_type does not have a valid value');
  }
  return errors;
}

/** Model validations, reported as {"message": {field: [...]}}. */
function validate(ctx: RouteContext, v: CiVariable, self?: CiVariable): void {
  const errors: Record<string, string[]> = {};
  const add = (f: string, m: string) => (errors[f] ??= []).push(m);
  if (v.key === '') add('key', "can't be blank");
  if (v.key.length > 255) add('key', 'is too long (maximum is 255 characters)');
  if (v.key !== '' && !KEY.test(v.key)) add('key', "can contain only letters, digits and '_'.");
  if (v.masked && !MASKABLE.test(v.value)) add('value', 'is invalid');
  const duplicate = ctx.state.variableTable.some(
    (o) => o !== self && o.projectId === v.projectId && o.key === v.key && o.environmentScope === v.environmentScope,
  );
  if (duplicate) add('key', `(${v.key}) has already been taken`);
  if (Object.keys(errors).length > 0) throw gitlabError.badRequest(errors);
}

export function registerVariableRoutes(router: Router): void {
  const base = '/projects/:id/variables';
  const project = (ctx: RouteContext) => requireProject(ctx, ACCESS_LEVEL.maintainer);

  router.add({
    method: 'GET',
    template: base,
    auth: 'required',
    handler: (ctx) => {
      const p = project(ctx);
      return paginate(
        ctx,
        ctx.state.variableTable.filter((v) => v.projectId === p.id),
        present,
      );
    },
  });

  router.add({
    method: 'GET',
    template: `${base}/:key`,
    auth: 'required',
    handler: (ctx) => json(200, present(findVariable(ctx, project(ctx).id))),
  });

  router.add({
    method: 'POST',
    template: base,
    auth: 'required',
    handler: (ctx) => {
      const { input } = ctx;
      const errors = paramErrors(input, ['key', 'value']);
      if (errors.length > 0) throw gitlabError.invalidParams(errors);
      const p = project(ctx);
      const hidden = toBool(input['masked_and_hidden']) === true;
      const v: CiVariable = {
        projectId: p.id,
        key: String(input['key']).trim(),
        value: scalarText(input['value']),
        variableType: (input['variable_type'] as CiVariable['variableType'] | undefined) ?? 'env_var',
        protected: toBool(input['protected']) === true,
        masked: hidden || toBool(input['masked']) === true,
        hidden,
        raw: toBool(input['raw']) === true,
        environmentScope:
          isPresentString(input['environment_scope']) && String(input['environment_scope']) !== ''
            ? String(input['environment_scope'])
            : '*',
        description: isPresentString(input['description']) ? scalarText(input['description']) : null,
      };
      validate(ctx, v);
      ctx.state.variableTable.push(v);
      return json(201, present(v));
    },
  });

  router.add({
    method: 'PUT',
    template: `${base}/:key`,
    auth: 'required',
    handler: (ctx) => {
      const { input } = ctx;
      const errors = paramErrors(input, []);
      if (errors.length > 0) throw gitlabError.invalidParams(errors);
      const current = findVariable(ctx, project(ctx).id);
      const next: CiVariable = { ...current };
      if (input['value'] !== undefined) next.value = scalarText(input['value']);
      if (input['variable_type'] !== undefined) next.variableType = input['variable_type'] as CiVariable['variableType'];
      if (input['protected'] !== undefined) next.protected = toBool(input['protected']) === true;
      // A hidden variable stays masked: GitLab does not let it be unmasked.
      if (input['masked'] !== undefined && !current.hidden) next.masked = toBool(input['masked']) === true;
      if (input['raw'] !== undefined) next.raw = toBool(input['raw']) === true;
      if (isPresentString(input['environment_scope'])) next.environmentScope = String(input['environment_scope']);
      if (input['description'] !== undefined) next.description = input['description'] === null ? null : scalarText(input['description']);
      validate(ctx, next, current);
      Object.assign(current, next);
      return json(200, present(current));
    },
  });

  router.add({
    method: 'DELETE',
    template: `${base}/:key`,
    auth: 'required',
    handler: (ctx) => {
      const v = findVariable(ctx, project(ctx).id);
      ctx.state.variableTable = ctx.state.variableTable.filter((o) => o !== v);
      return noContent();
    },
  });
}
