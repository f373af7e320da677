// The contract suite: python-gitlab (Debian's python3-gitlab, which scripts/test installs) drives
// every route the simulator serves (contract/drive.py), and every JSON answer it recorded is
// validated against the schemas of GitLab's own OpenAPI spec (contract/openapi/, a verbatim
// subset of GitLab's doc/api/openapi/openapi_v2.yaml). Not skipped: without python-gitlab it fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type GitlabSim } from '../src/index.js';
import { buildRouter } from '../src/routes/index.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
// Debian's python3-gitlab is installed for Debian's python; a python3 earlier on PATH may lack it.
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import gitlab'], { stdio: 'ignore' }).status === 0);

interface Answer {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

type Schema = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: Schema }> }>>;
  definitions: Record<string, Schema>;
}

/**
 * Swagger 2.0 schemas as JSON Schema. Swagger 2.0 cannot say "nullable" and GitLab's generated
 * spec never does, while GitLab answers null for every unset attribute (expires_at, avatar_url…):
 * so a typed property also admits null. `type: file` (an upstream error) constrains nothing.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'format' || k === 'description' || k.startsWith('x-')) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, toJsonSchema(s)]));
    else out[k] = toJsonSchema(v);
  }
  if (out['type'] === 'file') delete out['type'];
  else if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  return out;
}

/**
 * Where the subset's schema is wrong about GitLab itself. grape-swagger types an exposure without
 * a documented type as a string and a collection without `is_array` as one object; GitLab's
 * entities expose the database columns (integers, booleans) and arrays. Each fix names the field.
 */
const UPSTREAM_FIXES: Array<[definition: string, property: string, schema: Schema]> = [
  // Entities::ProjectStatistics exposes integer columns; GitLab's docs show integers.
  ...[
    'commit_count',
    'storage_size',
    'repository_size',
    'wiki_size',
    'lfs_objects_size',
    'job_artifacts_size',
    'pipeline_artifacts_size',
    'packages_size',
    'snippets_size',
    'uploads_size',
    'container_registry_size',
  ].map((p): [string, string, Schema] => ['API_Entities_ProjectStatistics', p, { type: ['integer', 'null'] }]),
  // Entities::Group / GroupDetail: ids and counts are integers, settings booleans, collections arrays.
  ...['id', 'two_factor_grace_period', 'default_branch_protection', 'parent_id', 'organization_id'].map((p): [string, string, Schema] => [
    'API_Entities_GroupDetail',
    p,
    { type: ['integer', 'null'] },
  ]),
  ...['share_with_group_lock', 'require_two_factor_authentication', 'lfs_enabled', 'request_access_enabled'].map(
    (p): [string, string, Schema] => ['API_Entities_GroupDetail', p, { type: ['boolean', 'null'] }],
  ),
  ['API_Entities_GroupDetail', 'shared_with_groups', { type: 'array' }],
  ['API_Entities_GroupDetail', 'projects', { type: 'array', items: { $ref: '#/definitions/API_Entities_Project' } }],
  ['API_Entities_GroupDetail', 'shared_projects', { type: 'array', items: { $ref: '#/definitions/API_Entities_Project' } }],
  // Entities::ProjectAccess / GroupAccess expose the member's integer access and notification levels.
  ...['API_Entities_ProjectAccess', 'API_Entities_GroupAccess'].flatMap((d) =>
    ['access_level', 'notification_level'].map((p): [string, string, Schema] => [d, p, { type: ['integer', 'null'] }]),
  ),
];

function fixUpstream(definitions: Record<string, Schema>): void {
  for (const [definition, property, schema] of UPSTREAM_FIXES) {
    const props = definitions[definition]?.['properties'] as Record<string, Schema> | undefined;
    if (!props?.[property]) throw new Error(`upstream fix for ${definition}.${property}: no such property in the subset`);
    props[property] = schema;
  }
}

// GET projects/:id/variables declares one object (SOURCE.md); Entities::Ci::Variable is presented as a list.
const OPERATION_FIXES: Record<string, Schema> = {
  'GET /api/v4/projects/{id}/variables 200': { type: 'array', items: { $ref: '#/definitions/API_Entities_Ci_Variable' } },
};

// GitLab's three error shapes: render_api_error! {"message": "..."}, model validation
// {"message": {field: [...]}}, and Grape/OAuth {"error": "...", ...}.
const ERROR_SCHEMA = {
  oneOf: [
    {
      type: 'object',
      required: ['message'],
      additionalProperties: false,
      properties: {
        message: { anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }] },
      },
    },
    {
      type: 'object',
      required: ['error'],
      additionalProperties: false,
      properties: { error: { type: 'string' }, error_description: { type: 'string' }, scope: { type: 'string' } },
    },
  ],
};

// Routes outside the subset whose entity the subset defines (GitLab presents these with it).
const BORROWED: Record<string, Schema> = {
  'get /api/v4/users': { type: 'array', items: { $ref: '#/definitions/API_Entities_UserBasic' } },
  'get /api/v4/groups/{id}/projects': { type: 'array', items: { $ref: '#/definitions/API_Entities_Project' } },
  'get /api/v4/users/{user_id}/projects': { type: 'array', items: { $ref: '#/definitions/API_Entities_Project' } },
};

function specPath(spec: Spec, method: string, rawPath: string): string | undefined {
  const parts = rawPath.split('/').filter((s) => s !== '');
  const candidates = [...Object.keys(spec.paths), ...Object.keys(BORROWED).map((k) => k.slice(k.indexOf(' ') + 1))];
  return candidates.find((template) => {
    const t = template.split('/').filter((s) => s !== '');
    return t.length === parts.length && t.every((seg, i) => seg.startsWith('{') || seg === parts[i]) && method !== '';
  });
}

describe('contract: python-gitlab over every route, answers checked against GitLab OpenAPI schemas', () => {
  let sim: GitlabSim;
  let answers: Answer[] = [];
  let driveError = '';
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-sim-contract-'));

  beforeAll(async () => {
    sim = await start();
    if (!python) return;
    const record = join(dir, 'answers.json');
    // Asynchronous: the simulator lives in this process and must keep serving.
    const child = spawn(python, [join(pkg, 'contract', 'drive.py')], { env: { ...process.env, SIM_URL: sim.url, SIM_RECORD: record } });
    child.stdout.on('data', (d: Buffer) => (driveError += d.toString()));
    child.stderr.on('data', (d: Buffer) => (driveError += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code === 0) answers = JSON.parse(readFileSync(record, 'utf8')) as Answer[];
    else driveError = `drive.py exited ${code}:\n${driveError}`;
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has python-gitlab (apt-get install python3-gitlab; scripts/test does it)', () => {
    expect(python).toBeDefined();
  });

  it('drives every route the simulator serves, with python-gitlab succeeding where GitLab would', () => {
    expect(driveError.includes('exited') ? driveError : '').toBe('');
    const served = buildRouter().list();
    const driven = new Set(sim.log.entries().map((e) => e.route));
    const missing = served.filter((r) => !driven.has(r));
    expect(missing).toEqual([]);
    // More than one page, and the `active` filter with python-gitlab's `True`.
    const pages = sim.log.entries().filter((e) => e.route === 'GET /projects/:id/deploy_tokens' && e.query['per_page'] === '10');
    expect(pages.map((e) => e.query['page'] ?? '1')).toEqual(['1', '2', '3']);
    expect(sim.log.entries().some((e) => e.query['active'] === 'True' && e.status === 200)).toBe(true);
    console.log(`[contract] routes served ${served.length}, driven ${served.length - missing.length}`);
  });

  it('answers JSON that validates against the OpenAPI subset (errors against GitLab error shapes)', () => {
    expect(answers.length).toBeGreaterThan(100);
    const spec = parseYaml(readFileSync(join(pkg, 'contract', 'openapi', 'gitlab-openapi-v2-subset.yaml'), 'utf8')) as Spec;
    const definitions = Object.fromEntries(Object.entries(spec.definitions).map(([k, v]) => [k, toJsonSchema(v) as Schema]));
    fixUpstream(definitions);
    const ajv = new Ajv({ strict: false, allErrors: true });
    const compiled = new Map<string, ValidateFunction>();
    const validator = (key: string, schema: unknown) => {
      if (!compiled.has(key)) compiled.set(key, ajv.compile({ definitions, ...(toJsonSchema(schema) as Schema) }));
      return compiled.get(key)!;
    };

    const failures: string[] = [];
    // Per entity: how many answers showed it, and how often each documented field was present.
    const seen = new Map<string, { answers: number; present: Map<string, number> }>();
    let validated = 0;
    let validatedBySpec = 0;
    let notJson = 0;
    let noSchema = 0;
    for (const a of answers) {
      const url = new URL(a.url);
      const where = `${a.method} ${url.pathname} -> ${a.status}`;
      if (!a.contentType.startsWith('application/json') || a.status === 204) {
        notJson += 1;
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(a.body);
      } catch {
        failures.push(`${where}: says JSON but does not parse`);
        continue;
      }
      const template = specPath(spec, a.method, url.pathname);
      let key: string | undefined;
      let schema: unknown;
      if (a.status >= 400) {
        key = 'error';
        schema = ERROR_SCHEMA;
      } else if (template) {
        const op = spec.paths[template]?.[a.method.toLowerCase()];
        key = `${a.method} ${template} ${a.status}`;
        schema = OPERATION_FIXES[key] ?? op?.responses?.[String(a.status)]?.schema ?? BORROWED[`${a.method.toLowerCase()} ${template}`];
        if (schema && op?.responses?.[String(a.status)]?.schema) validatedBySpec += 1;
      }
      if (!schema || !key) {
        noSchema += 1;
        continue;
      }
      const validate = validator(key, schema);
      validated += 1;
      if (!validate(body)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
      // Which of the entity's documented fields the simulator never answers with.
      const ref = ((schema as Schema)['$ref'] ?? ((schema as Schema)['items'] as Schema | undefined)?.['$ref']) as string | undefined;
      const entities = (Array.isArray(body) ? body : [body]) as unknown[];
      if (ref) {
        const name = ref.replace('#/definitions/', '');
        const entry = seen.get(name) ?? { answers: 0, present: new Map<string, number>() };
        for (const entity of entities) {
          if (!entity || typeof entity !== 'object') continue;
          entry.answers += 1;
          for (const p of Object.keys(entity)) entry.present.set(p, (entry.present.get(p) ?? 0) + 1);
        }
        seen.set(name, entry);
      }
    }
    const summary = {
      answers: answers.length,
      jsonValidated: validated,
      againstTheirOperationSchema: validatedBySpec,
      againstGitlabErrorShapes: answers.filter((a) => a.status >= 400 && a.contentType.startsWith('application/json')).length,
      jsonWithoutSchemaInSubset: noSchema,
      notJson,
      failures: failures.length,
      upstreamSchemaFixes: UPSTREAM_FIXES.length + Object.keys(OPERATION_FIXES).length,
    };
    console.log(`[contract] ${JSON.stringify(summary)}`);
    for (const [name, entry] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
      const props = Object.keys((definitions[name]?.['properties'] as Schema | undefined) ?? {});
      const never = props.filter((p) => !entry.present.has(p));
      console.log(
        `[contract] ${name}: ${entry.answers} entities, ${props.length - never.length}/${props.length} documented fields answered${never.length > 0 ? `; never: ${never.join(', ')}` : ''}`,
      );
    }
    expect(failures).toEqual([]);
    expect(validated).toBeGreaterThan(80);
  });
});
