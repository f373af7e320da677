/**
 * External Secrets' GitlabDeployToken generator, with the ExternalSecrets that use it, as glkeys
 * GitlabDeployToken objects (glkeys.io/v1alpha1): one per ExternalSecret, since ESO mints one
 * token per ExternalSecret too. Same target Secret, refresh interval, scopes, expiry, url,
 * project or group, name, username and auth Secret. What has no equivalent becomes a note; an
 * object that would not do what the ExternalSecret did is not produced at all (an `error` note).
 * Nothing here talks to a cluster or to GitLab.
 */
import { formatGoDuration, parseGoDuration } from '../flux/duration.js';
import {
  displayName,
  EXTERNAL_SECRET_API_VERSIONS,
  GENERATORS_API_VERSION,
  isRecord,
  str,
  type EsoObject,
  type SourcedObject,
} from './documents.js';

export interface EsoNote {
  /** error: nothing was produced for this source; warning: produced, but it behaves differently; info: how it was mapped. */
  level: 'error' | 'warning' | 'info';
  /** `ExternalSecret apps/registry`, `GitlabDeployToken apps/gl` (the ESO object the note is about). */
  source: string;
  /** ESO field path, e.g. `spec.target.template`. */
  field?: string;
  message: string;
}

export interface GlkeysDeployTokenObject {
  apiVersion: 'glkeys.io/v1alpha1';
  kind: 'GitlabDeployToken';
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

export interface ConvertedToken {
  /** The ExternalSecret it replaces, and the generator it came from. */
  externalSecret: string;
  generator: string;
  object: GlkeysDeployTokenObject;
  notes: EsoNote[];
}

export interface EsoConversion {
  tokens: ConvertedToken[];
  /** Notes on sources that produced no object (errors, unused generators). */
  notes: EsoNote[];
}

export interface EsoConvertOptions {
  /** Appended to every target Secret name, for a switch with no moment where a consumer's Secret is empty. */
  targetSuffix?: string;
  /** For the past-expiry check; default now. */
  now?: Date;
}

const SCOPES = [
  'read_repository',
  'read_registry',
  'write_registry',
  'read_package_registry',
  'write_package_registry',
  'read_virtual_registry',
  'write_virtual_registry',
];
const GENERATOR_FIELDS = new Set(['url', 'projectID', 'groupID', 'name', 'scopes', 'expiresAt', 'expiresAfter', 'username', 'auth']);
/** ESO's default refreshInterval. */
const ESO_REFRESH = '1h';
const MINUTE = 60_000;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Raised inside the conversion of one ExternalSecret: that one is skipped with an error note. */
class Skip extends Error {
  constructor(readonly note: EsoNote) {
    super(note.message);
  }
}

interface Generator {
  source: string;
  namespace: string | undefined;
  name: string;
  spec: Record<string, unknown>;
  used: boolean;
}

export function convertEsoDocuments(objects: SourcedObject[], options: EsoConvertOptions = {}): EsoConversion {
  const notes: EsoNote[] = [];
  const generators = new Map<string, Generator>();
  const clusterGenerators = new Map<string, Generator>();
  const externalSecrets: EsoObject[] = [];

  for (const { object, origin } of objects) {
    if (!isRecord(object)) {
      notes.push({ level: 'error', source: origin, message: 'not a Kubernetes object' });
      continue;
    }
    const kind = object.kind;
    if (object.apiVersion === GENERATORS_API_VERSION && kind === 'GitlabDeployToken') {
      const generator = readGenerator(object, 'GitlabDeployToken', object.spec, notes);
      if (generator) generators.set(key(generator.namespace, generator.name), generator);
    } else if (object.apiVersion === GENERATORS_API_VERSION && kind === 'ClusterGenerator') {
      const spec = isRecord(object.spec) ? object.spec : {};
      if (spec['kind'] !== 'GitlabDeployToken') continue;
      const inner = isRecord(spec['generator']) ? spec['generator']['gitlabDeployTokenSpec'] : undefined;
      const generator = readGenerator(object, 'ClusterGenerator', inner, notes, 'spec.generator.gitlabDeployTokenSpec');
      if (generator) clusterGenerators.set(generator.name, generator);
    } else if (kind === 'ExternalSecret' && EXTERNAL_SECRET_API_VERSIONS.includes(String(object.apiVersion))) {
      externalSecrets.push(object);
    }
  }

  const tokens: ConvertedToken[] = [];
  for (const externalSecret of externalSecrets) {
    const source = `ExternalSecret ${displayName(externalSecret)}`;
    const local: EsoNote[] = [];
    try {
      const refs = generatorRefs(externalSecret);
      if (refs.gitlab.length === 0) continue; // not ours: uses no GitlabDeployToken generator
      if (refs.gitlab.length > 1) {
        throw new Skip({
          level: 'error',
          source,
          field: 'spec.dataFrom',
          message: `uses ${refs.gitlab.length} GitlabDeployToken generators; ESO merges their keys into one Secret (the last wins), glkeys writes one token per Secret: split it into one ExternalSecret per token first`,
        });
      }
      const ref = refs.gitlab[0]!;
      const namespace = str(externalSecret.metadata?.namespace);
      // The same namespace, else a generator file that names none, else (an ExternalSecret that
      // names none) the only generator of that name.
      const generator =
        ref.kind === 'ClusterGenerator'
          ? clusterGenerators.get(ref.name)
          : (generators.get(key(namespace, ref.name)) ??
            generators.get(key(undefined, ref.name)) ??
            (namespace ? undefined : findByName(generators, ref.name)));
      if (!generator) {
        throw new Skip({
          level: 'error',
          source,
          field: `${ref.path}.name`,
          message: `${ref.kind} ${ref.name} is not in the input${namespace ? ` (namespace ${namespace})` : ''}; give the generator's YAML too`,
        });
      }
      generator.used = true;
      const object = buildToken(externalSecret, source, generator, refs, options, local);
      tokens.push({ externalSecret: displayName(externalSecret), generator: `${generator.source}`, object, notes: local });
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      notes.push(error.note);
    }
  }
  for (const generator of [...generators.values(), ...clusterGenerators.values()]) {
    if (!generator.used) {
      notes.push({
        level: 'info',
        source: generator.source,
        message:
          'no ExternalSecret in the input uses it, so nothing was produced for it (the ExternalSecret names the target Secret and the refresh interval)',
      });
    }
  }
  return { tokens, notes };
}

/** A string, or a number as YAML reads an unquoted `42` or `0`. */
function scalar(value: unknown): string | undefined {
  return typeof value === 'number' ? String(value) : str(value);
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function findByName(generators: Map<string, Generator>, name: string): Generator | undefined {
  const matches = [...generators.values()].filter((g) => g.name === name);
  return matches.length === 1 ? matches[0] : undefined;
}

function readGenerator(object: EsoObject, kind: string, spec: unknown, notes: EsoNote[], specPath = 'spec'): Generator | undefined {
  const source = `${kind} ${displayName(object)}`;
  const name = str(object.metadata?.name);
  if (!name) {
    notes.push({ level: 'error', source, field: 'metadata.name', message: 'has no name' });
    return undefined;
  }
  if (!isRecord(spec)) {
    notes.push({ level: 'error', source, field: specPath, message: 'is missing: nothing to convert' });
    return undefined;
  }
  return { source, namespace: str(object.metadata?.namespace), name, spec, used: false };
}

interface GeneratorRef {
  kind: 'GitlabDeployToken' | 'ClusterGenerator';
  name: string;
  path: string;
  rewrite: boolean;
}

/** The ExternalSecret's generator references: GitLab ones, and whether anything else feeds the Secret. */
function generatorRefs(externalSecret: EsoObject): { gitlab: GeneratorRef[]; others: string[] } {
  const spec = isRecord(externalSecret.spec) ? externalSecret.spec : {};
  const gitlab: GeneratorRef[] = [];
  const others: string[] = [];
  const dataFrom = Array.isArray(spec['dataFrom']) ? (spec['dataFrom'] as unknown[]) : [];
  dataFrom.forEach((entry, i) => {
    const path = `spec.dataFrom[${i}].sourceRef.generatorRef`;
    const ref = isRecord(entry) && isRecord(entry['sourceRef']) ? entry['sourceRef']['generatorRef'] : undefined;
    const rewrite = isRecord(entry) && Array.isArray(entry['rewrite']) && entry['rewrite'].length > 0;
    if (!isRecord(ref)) {
      others.push(`spec.dataFrom[${i}]`);
      return;
    }
    const apiVersion = str(ref['apiVersion']) ?? GENERATORS_API_VERSION;
    const kind = ref['kind'];
    const name = str(ref['name']);
    if (apiVersion === GENERATORS_API_VERSION && (kind === 'GitlabDeployToken' || kind === 'ClusterGenerator') && name) {
      gitlab.push({ kind, name, path, rewrite });
    } else {
      others.push(`spec.dataFrom[${i}] (${String(kind)} ${String(ref['name'])})`);
    }
  });
  if (Array.isArray(spec['data']) && spec['data'].length > 0) others.push('spec.data');
  return { gitlab, others };
}

function buildToken(
  externalSecret: EsoObject,
  source: string,
  generator: Generator,
  refs: { gitlab: GeneratorRef[]; others: string[] },
  options: EsoConvertOptions,
  notes: EsoNote[],
): GlkeysDeployTokenObject {
  const g = generator.spec;
  const gsource = generator.source;
  const spec: Record<string, unknown> = {};
  const fail = (field: string, message: string, about = gsource): never => {
    throw new Skip({ level: 'error', source: about, field, message: `${message}; nothing produced for ${source}` });
  };

  for (const field of Object.keys(g)) {
    if (!GENERATOR_FIELDS.has(field)) {
      notes.push({
        level: 'warning',
        source: gsource,
        field: `spec.${field}`,
        message: "is not a field of ESO's GitlabDeployToken generator; ignored",
      });
    }
  }
  // Generator: same names and meaning in glkeys, checked so the apiserver does not refuse the output.
  if (g['url'] !== undefined) spec['url'] = str(g['url']) ?? fail('spec.url', 'must be a non-empty string');
  const projectID =
    g['projectID'] === undefined ? undefined : (scalar(g['projectID']) ?? fail('spec.projectID', 'must be a non-empty string'));
  const groupID = g['groupID'] === undefined ? undefined : (scalar(g['groupID']) ?? fail('spec.groupID', 'must be a non-empty string'));
  if ((projectID === undefined) === (groupID === undefined)) fail('spec', 'needs exactly one of projectID or groupID');
  if (projectID !== undefined) spec['projectID'] = projectID;
  if (groupID !== undefined) spec['groupID'] = groupID;
  if (g['name'] !== undefined) spec['name'] = str(g['name']) ?? fail('spec.name', 'must be a non-empty string');
  const scopes = g['scopes'];
  if (!Array.isArray(scopes) || scopes.length === 0) fail('spec.scopes', 'needs at least one scope');
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string' || !SCOPES.includes(scope))
      fail('spec.scopes', `${JSON.stringify(scope)} is not a deploy token scope (${SCOPES.join(', ')})`);
  }
  spec['scopes'] = [...new Set(scopes as string[])];
  if (g['expiresAt'] !== undefined && g['expiresAfter'] !== undefined)
    fail('spec.expiresAfter', 'expiresAt and expiresAfter are mutually exclusive');
  if (g['expiresAt'] !== undefined) {
    const at = g['expiresAt'] instanceof Date ? g['expiresAt'].toISOString() : str(g['expiresAt']);
    if (!at || Number.isNaN(Date.parse(at))) fail('spec.expiresAt', 'must be an RFC 3339 time such as 2027-01-31T00:00:00Z');
    if (Date.parse(at!) <= (options.now ?? new Date()).getTime()) {
      notes.push({
        level: 'warning',
        source: gsource,
        field: 'spec.expiresAt',
        message: `${at} is in the past: glkeys refuses to mint an already expired token (so does GitLab); set a new expiresAt or use expiresAfter`,
      });
    }
    spec['expiresAt'] = at;
  }
  if (g['expiresAfter'] !== undefined) {
    const after = str(g['expiresAfter']) ?? fail('spec.expiresAfter', 'must be a Go duration such as 720h');
    let ms = 0;
    try {
      ms = parseGoDuration(after, 'spec.expiresAfter', { minimumMs: 0 });
    } catch {
      fail('spec.expiresAfter', `${JSON.stringify(after)} is not a Go duration such as 720h`);
    }
    if (ms < 24 * 60 * MINUTE) fail('spec.expiresAfter', 'must be at least 24h');
    spec['expiresAfter'] = after;
  }
  if (g['username'] !== undefined) spec['username'] = str(g['username']) ?? fail('spec.username', 'must be a non-empty string');
  spec['auth'] = authOf(g, gsource, externalSecret, notes, fail);

  // ExternalSecret: refresh, target Secret, what else fed that Secret.
  const es = isRecord(externalSecret.spec) ? externalSecret.spec : {};
  const refresh = refreshOf(es, source, notes, fail);
  if (refresh) {
    spec['refreshInterval'] = refresh.text;
    // ESO revokes a replaced token two refreshes later (+2 min): it stays usable a long while.
    // glkeys revokes after gracePeriod (default 0); half the interval keeps at most two tokens live.
    const grace = formatGoDuration(Math.floor(refresh.ms / 2 / 1000) * 1000);
    spec['gracePeriod'] = grace;
    notes.push({
      level: 'info',
      source,
      field: 'spec.refreshInterval',
      message: `ESO left each replaced token live for about two refresh intervals plus 2 minutes; glkeys revokes it after gracePeriod, set here to ${grace} (half the interval). Lower it once every consumer reloads the Secret quickly.`,
    });
  }
  const target = isRecord(es['target']) ? es['target'] : {};
  const esName = str(externalSecret.metadata?.name) ?? fail('metadata.name', 'has no name', source);
  const targetName = `${str(target['name']) ?? esName}${options.targetSuffix ?? ''}`;
  if (!DNS_SUBDOMAIN.test(targetName) || targetName.length > 253)
    fail('spec.target.name', `${JSON.stringify(targetName)} is not a valid Secret name`, source);
  const glTarget: Record<string, unknown> = { name: targetName };
  targetPolicies(target, source, notes, fail);
  templateOf(target, glTarget, source, notes);
  for (const ref of refs.gitlab) {
    if (ref.rewrite) {
      notes.push({
        level: 'warning',
        source,
        field: ref.path.replace(/\.sourceRef\.generatorRef$/, '.rewrite'),
        message:
          'renames the keys; glkeys writes username and token (format token), username and password (format flux-https) or a dockerconfigjson: pick the format your consumers read, or keep the names',
      });
    }
  }
  for (const other of refs.others) {
    notes.push({
      level: 'warning',
      source,
      field: other.split(' ')[0]!,
      message: `also fed this Secret (${other}); glkeys writes only the token's keys into its Secret: move that data to a Secret of its own`,
    });
  }
  spec['target'] = glTarget;

  const namespace = str(externalSecret.metadata?.namespace);
  return {
    apiVersion: 'glkeys.io/v1alpha1',
    kind: 'GitlabDeployToken',
    metadata: { name: esName, ...(namespace ? { namespace } : {}) },
    spec,
  };
}

function authOf(
  g: Record<string, unknown>,
  gsource: string,
  externalSecret: EsoObject,
  notes: EsoNote[],
  fail: (field: string, message: string) => never,
): Record<string, unknown> {
  const auth = g['auth'];
  const ref = isRecord(auth) && isRecord(auth['token']) ? auth['token']['secretRef'] : undefined;
  if (!isRecord(ref)) return fail('spec.auth.token.secretRef', 'is required (the Secret holding the GitLab access token)');
  const name = str(ref['name']) ?? fail('spec.auth.token.secretRef.name', 'is required');
  const secretKey = str(ref['key']) ?? fail('spec.auth.token.secretRef.key', 'is required: glkeys reads one named key of the Secret');
  const refNamespace = str(ref['namespace']);
  const namespace = str(externalSecret.metadata?.namespace);
  if (refNamespace && refNamespace !== namespace) {
    notes.push({
      level: 'warning',
      source: gsource,
      field: 'spec.auth.token.secretRef.namespace',
      message: `${refNamespace}: ESO ignores it for this generator and so does glkeys: the auth Secret ${name} is read from the object's own namespace${namespace ? ` (${namespace})` : ''}`,
    });
  }
  return { token: { secretRef: { name, key: secretKey } } };
}

function refreshOf(
  es: Record<string, unknown>,
  source: string,
  notes: EsoNote[],
  fail: (field: string, message: string, about?: string) => never,
): { text: string; ms: number } | undefined {
  const policy = es['refreshPolicy'] ?? 'Periodic';
  if (policy === 'CreatedOnce' || policy === 'OnChange') {
    notes.push({
      level: 'info',
      source,
      field: 'spec.refreshPolicy',
      message: `${String(policy)}: ESO minted once and never refreshed; the glkeys object has no refreshInterval, so it keeps the token until it nears its expiry (if any) and checks every verifyInterval that it still exists`,
    });
    return undefined;
  }
  if (policy !== 'Periodic') fail('spec.refreshPolicy', `${JSON.stringify(policy)} is not one of Periodic, CreatedOnce, OnChange`, source);
  const raw = es['refreshInterval'] === undefined ? ESO_REFRESH : (scalar(es['refreshInterval']) ?? '(not a string)');
  let ms: number;
  try {
    ms = parseGoDuration(raw, 'spec.refreshInterval', { minimumMs: 0 });
  } catch {
    return fail('spec.refreshInterval', `${JSON.stringify(raw)} is not a Go duration such as 1h or 30m`, source);
  }
  if (ms === 0) {
    notes.push({
      level: 'info',
      source,
      field: 'spec.refreshInterval',
      message: `${raw}: ESO minted once and never refreshed; the glkeys object has no refreshInterval, so it keeps the token until it nears its expiry (if any)`,
    });
    return undefined;
  }
  if (ms < MINUTE) {
    notes.push({
      level: 'warning',
      source,
      field: 'spec.refreshInterval',
      message: `${raw} is shorter than glkeys' minimum of 1m (a shorter one only spends GitLab's rate limit); set to 1m`,
    });
    return { text: '1m', ms: MINUTE };
  }
  if (es['refreshInterval'] === undefined) {
    notes.push({
      level: 'info',
      source,
      field: 'spec.refreshInterval',
      message: `not set: ESO's default ${ESO_REFRESH} written explicitly`,
    });
  }
  return { text: raw, ms };
}

function targetPolicies(
  target: Record<string, unknown>,
  source: string,
  notes: EsoNote[],
  fail: (field: string, message: string, about?: string) => never,
): void {
  const creation = target['creationPolicy'] ?? 'Owner';
  if (creation === 'None') fail('spec.target.creationPolicy', 'None: ESO wrote no Secret, and a glkeys object always writes one', source);
  if (creation === 'Merge') {
    notes.push({
      level: 'warning',
      source,
      field: 'spec.target.creationPolicy',
      message:
        'Merge: ESO wrote into a Secret it did not create; glkeys never overwrites a Secret it did not write (the object stops with SecretOwnedElsewhere): give it a Secret of its own',
    });
  } else if (creation === 'Orphan') {
    notes.push({
      level: 'warning',
      source,
      field: 'spec.target.creationPolicy',
      message:
        'Orphan: ESO left the Secret behind when the ExternalSecret went; the glkeys Secret is owned by its object and deleted (and its token revoked) with it; use deletionPolicy: Orphan to keep the token live',
    });
  } else if (creation !== 'Owner') {
    fail('spec.target.creationPolicy', `${JSON.stringify(creation)} is not one of Owner, Orphan, Merge, None`, source);
  }
}

function templateOf(target: Record<string, unknown>, glTarget: Record<string, unknown>, source: string, notes: EsoNote[]): void {
  const template = target['template'];
  if (!isRecord(template)) return;
  const metadata = isRecord(template['metadata']) ? template['metadata'] : {};
  for (const field of ['labels', 'annotations'] as const) {
    const entries = isRecord(metadata[field]) ? Object.entries(metadata[field]) : [];
    const kept = entries.filter(([k, v]) => typeof v === 'string' && !k.startsWith('glkeys.io/'));
    if (kept.length > 0) glTarget[field] = Object.fromEntries(kept);
    if (kept.length < entries.length) {
      notes.push({
        level: 'warning',
        source,
        field: `spec.target.template.metadata.${field}`,
        message: 'entries under glkeys.io/ (or not strings) dropped: the operator writes those itself',
      });
    }
  }
  if (template['type'] === 'kubernetes.io/dockerconfigjson') {
    notes.push({
      level: 'warning',
      source,
      field: 'spec.target.template.type',
      message:
        'kubernetes.io/dockerconfigjson: glkeys renders it itself; set spec.target.format: dockerconfigjson and spec.target.registryHost (the registry host is not in the ESO objects, so it was not set here)',
    });
  }
  const rest = Object.keys(template).filter((k) => k !== 'metadata' && k !== 'type' && k !== 'engineVersion' && k !== 'mergePolicy');
  if (rest.length > 0) {
    notes.push({
      level: 'warning',
      source,
      field: `spec.target.template.${rest[0]}`,
      message: `has no equivalent (${rest.join(', ')}): glkeys writes the keys of its format (token: username, token; flux-https: username, password; dockerconfigjson); templated keys are not written`,
    });
  }
}
