// `@glkeys/core/eso`: ESO GitlabDeployToken generators + ExternalSecrets → glkeys objects.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { convertEsoDocuments, parseEsoYaml, renderEsoConversion, type EsoNote } from '../src/eso/index.js';

const NOW = new Date('2026-12-01T00:00:00Z');

// As ESO's docs and users write them (apis/generators/v1alpha1, external-secrets.io/v1).
const GENERATOR = `
apiVersion: generators.external-secrets.io/v1alpha1
kind: GitlabDeployToken
metadata:
  name: registry-token
  namespace: apps
spec:
  url: https://gitlab.example.com
  projectID: platform/apps/web
  name: k8s-registry-pull
  username: k8s-pull
  scopes: [read_registry, read_package_registry]
  expiresAt: "2027-06-30T00:00:00Z"
  auth:
    token:
      secretRef:
        name: gitlab-pat
        key: token
`;
const EXTERNAL_SECRET = `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: registry-pull
  namespace: apps
spec:
  refreshInterval: 24h
  target:
    name: regcred
    creationPolicy: Owner
  dataFrom:
    - sourceRef:
        generatorRef:
          apiVersion: generators.external-secrets.io/v1alpha1
          kind: GitlabDeployToken
          name: registry-token
`;

const convert = (yaml: string) => convertEsoDocuments(parseEsoYaml(yaml, 'input.yaml'), { now: NOW });
const fields = (notes: EsoNote[]) => notes.map((n) => `${n.level} ${n.field ?? ''}`);

describe('glkeys eso convert (core)', () => {
  it('keeps the target Secret, refresh interval, scopes, expiry, url, project, name, username and auth Secret', () => {
    const out = convert(`${GENERATOR}\n---\n${EXTERNAL_SECRET}`);
    expect(out.notes).toEqual([]);
    expect(out.tokens).toHaveLength(1);
    expect(out.tokens[0]!.object).toEqual({
      apiVersion: 'glkeys.io/v1alpha1',
      kind: 'GitlabDeployToken',
      metadata: { name: 'registry-pull', namespace: 'apps' },
      spec: {
        url: 'https://gitlab.example.com',
        projectID: 'platform/apps/web',
        name: 'k8s-registry-pull',
        username: 'k8s-pull',
        scopes: ['read_registry', 'read_package_registry'],
        expiresAt: '2027-06-30T00:00:00Z',
        auth: { token: { secretRef: { name: 'gitlab-pat', key: 'token' } } },
        refreshInterval: '24h',
        gracePeriod: '12h0m0s',
        target: { name: 'regcred' },
      },
    });
    expect(fields(out.tokens[0]!.notes)).toEqual(['info spec.refreshInterval']);
  });

  it("uses ESO's defaults: target name = the ExternalSecret's, refresh 1h; a group token with expiresAfter; v1beta1 and kind: List", () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          ...(parse(GENERATOR) as object),
          spec: {
            groupID: '42',
            scopes: ['read_repository'],
            expiresAfter: '720h',
            auth: { token: { secretRef: { name: 'pat', key: 'api' } } },
          },
        },
        {
          apiVersion: 'external-secrets.io/v1beta1',
          kind: 'ExternalSecret',
          metadata: { name: 'flux-git', namespace: 'apps' },
          spec: { dataFrom: [{ sourceRef: { generatorRef: { kind: 'GitlabDeployToken', name: 'registry-token' } } }] },
        },
      ],
    };
    const out = convert(JSON.stringify(list));
    expect(out.tokens[0]!.object.spec).toEqual({
      groupID: '42',
      scopes: ['read_repository'],
      expiresAfter: '720h',
      auth: { token: { secretRef: { name: 'pat', key: 'api' } } },
      refreshInterval: '1h',
      gracePeriod: '30m0s',
      target: { name: 'flux-git' },
    });
    expect(out.tokens[0]!.notes.map((n) => n.message).join('\n')).toContain("ESO's default 1h");
  });

  it('converts a ClusterGenerator and gives each ExternalSecret that uses a generator its own object', () => {
    const cluster = `
apiVersion: generators.external-secrets.io/v1alpha1
kind: ClusterGenerator
metadata: { name: gitlab-shared }
spec:
  kind: GitlabDeployToken
  generator:
    gitlabDeployTokenSpec:
      projectID: "1234"
      scopes: [read_repository]
      auth: { token: { secretRef: { name: gitlab-pat, key: token, namespace: eso-system } } }
`;
    const es = (ns: string) =>
      EXTERNAL_SECRET.replace('namespace: apps', `namespace: ${ns}`).replace(
        'kind: GitlabDeployToken\n          name: registry-token',
        'kind: ClusterGenerator\n          name: gitlab-shared',
      );
    const out = convert([cluster, es('team-a'), es('team-b')].join('\n---\n'));
    expect(
      out.tokens.map(
        (t) => `${t.object.metadata.namespace}/${t.object.metadata.name} → ${(t.object.spec['target'] as { name: string }).name}`,
      ),
    ).toEqual(['team-a/registry-pull → regcred', 'team-b/registry-pull → regcred']);
    expect(fields(out.tokens[0]!.notes)).toContain('warning spec.auth.token.secretRef.namespace');
  });

  it('notes what has no equivalent: template, rewrite, other data, Orphan, CreatedOnce, a sub-minute refresh', () => {
    const es = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'registry-pull', namespace: 'apps' },
      spec: {
        refreshInterval: '30s',
        target: {
          name: 'regcred',
          creationPolicy: 'Orphan',
          template: {
            type: 'kubernetes.io/dockerconfigjson',
            metadata: { labels: { team: 'web', 'glkeys.io/x': 'y' } },
            data: { '.dockerconfigjson': '{{ .token }}' },
          },
        },
        data: [{ secretKey: 'extra', remoteRef: { key: 'vault/extra' } }],
        dataFrom: [
          {
            sourceRef: { generatorRef: { kind: 'GitlabDeployToken', name: 'registry-token' } },
            rewrite: [{ regexp: { source: 'token', target: 'password' } }],
          },
        ],
      },
    };
    const out = convert(`${GENERATOR}\n---\n${JSON.stringify(es)}`);
    const [token] = out.tokens;
    expect(fields(token!.notes)).toEqual([
      'warning spec.refreshInterval',
      'info spec.refreshInterval',
      'warning spec.target.creationPolicy',
      'warning spec.target.template.metadata.labels',
      'warning spec.target.template.type',
      'warning spec.target.template.data',
      'warning spec.dataFrom[0].rewrite',
      'warning spec.data',
    ]);
    expect(token!.object.spec['refreshInterval']).toBe('1m');
    expect(token!.object.spec['target']).toEqual({ name: 'regcred', labels: { team: 'web' } });

    const once = convert(`${GENERATOR}\n---\n${EXTERNAL_SECRET.replace('refreshInterval: 24h', 'refreshPolicy: CreatedOnce')}`);
    expect(once.tokens[0]!.object.spec).not.toHaveProperty('refreshInterval');
    expect(once.tokens[0]!.object.spec).not.toHaveProperty('gracePeriod');
    const zero = convert(`${GENERATOR}\n---\n${EXTERNAL_SECRET.replace('refreshInterval: 24h', 'refreshInterval: "0"')}`);
    expect(zero.tokens[0]!.object.spec).not.toHaveProperty('refreshInterval');
  });

  it('--target-suffix renames every target Secret (the switch with no empty Secret)', () => {
    const out = convertEsoDocuments(parseEsoYaml(`${GENERATOR}\n---\n${EXTERNAL_SECRET}`, 'in'), { targetSuffix: '-glkeys', now: NOW });
    expect(out.tokens[0]!.object.spec['target']).toEqual({ name: 'regcred-glkeys' });
  });

  it.each([
    ['both projectID and groupID', GENERATOR.replace('projectID: platform/apps/web', 'projectID: "1"\n  groupID: "2"'), 'spec'],
    ['neither projectID nor groupID', GENERATOR.replace('  projectID: platform/apps/web\n', ''), 'spec'],
    ['an unknown scope', GENERATOR.replace('read_package_registry', 'api'), 'spec.scopes'],
    ['no scopes', GENERATOR.replace('scopes: [read_registry, read_package_registry]', 'scopes: []'), 'spec.scopes'],
    ['an auth secretRef without key', GENERATOR.replace('        key: token\n', ''), 'spec.auth.token.secretRef.key'],
    ['no auth', GENERATOR.replace(/ {2}auth:[\s\S]*$/, ''), 'spec.auth.token.secretRef'],
    ['expiresAt and expiresAfter', GENERATOR.replace('  auth:', '  expiresAfter: 720h\n  auth:'), 'spec.expiresAfter'],
    ['an expiresAfter under 24h', GENERATOR.replace('  expiresAt: "2027-06-30T00:00:00Z"', '  expiresAfter: 12h'), 'spec.expiresAfter'],
    ['an expiresAt that is no time', GENERATOR.replace('"2027-06-30T00:00:00Z"', 'soon'), 'spec.expiresAt'],
  ])('refuses a generator with %s, naming the field, and produces nothing', (_, generator, field) => {
    const out = convert(`${generator}\n---\n${EXTERNAL_SECRET}`);
    expect(out.tokens).toEqual([]);
    expect(out.notes).toHaveLength(1);
    expect(out.notes[0]).toMatchObject({ level: 'error', source: 'GitlabDeployToken apps/registry-token', field });
    expect(out.notes[0]!.message).toContain('nothing produced for ExternalSecret apps/registry-pull');
  });

  it.each([
    ['a generator that is not in the input', EXTERNAL_SECRET, 'spec.dataFrom[0].sourceRef.generatorRef.name'],
    ['refreshInterval that is no duration', `${GENERATOR}\n---\n${EXTERNAL_SECRET.replace('24h', '1 day')}`, 'spec.refreshInterval'],
    [
      'creationPolicy None',
      `${GENERATOR}\n---\n${EXTERNAL_SECRET.replace('creationPolicy: Owner', 'creationPolicy: None')}`,
      'spec.target.creationPolicy',
    ],
    ['an invalid target name', `${GENERATOR}\n---\n${EXTERNAL_SECRET.replace('name: regcred', 'name: Reg_Cred')}`, 'spec.target.name'],
    [
      'two GitLab generators',
      `${GENERATOR}\n---\n${EXTERNAL_SECRET}  - sourceRef: { generatorRef: { kind: GitlabDeployToken, name: other } }\n`.replace(
        '\n  - sourceRef: {',
        '\n    - sourceRef: {',
      ),
      'spec.dataFrom',
    ],
  ])('refuses an ExternalSecret with %s, naming the field', (_, yaml, field) => {
    const out = convert(yaml);
    expect(out.tokens).toEqual([]);
    expect(out.notes.filter((n) => n.level === 'error')).toMatchObject([{ source: 'ExternalSecret apps/registry-pull', field }]);
  });

  it('says when a generator is used by no ExternalSecret, and ignores objects that are not ESO GitLab ones', () => {
    const out = convert(
      `${GENERATOR}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n---\n${EXTERNAL_SECRET.replace('GitlabDeployToken', 'Password')}`,
    );
    expect(out.tokens).toEqual([]);
    expect(out.notes).toMatchObject([{ level: 'info', source: 'GitlabDeployToken apps/registry-token' }]);
  });

  it('refuses YAML that does not parse or is not an object, naming the file and document', () => {
    expect(() => parseEsoYaml(`${GENERATOR}\n---\nkind: [unclosed`, 'eso.yaml')).toThrow(/eso\.yaml#2: not valid YAML/);
    expect(() => parseEsoYaml('- a\n- b\n', 'list.yaml')).toThrow(/list\.yaml#1: not a Kubernetes object/);
  });

  it('renders a stream kubectl can apply: notes as comments, one object per document, no secret value', () => {
    const text = renderEsoConversion(
      convert(`${GENERATOR}\n---\n${EXTERNAL_SECRET}\n---\n${GENERATOR.replace('registry-token', 'unused')}`),
    );
    const documents = parseAllDocuments(text).map((d) => d.toJS() as { kind?: string } | null);
    expect(documents.filter(Boolean).map((d) => d!.kind)).toEqual(['GitlabDeployToken']);
    expect(text).toContain('# info: GitlabDeployToken apps/unused: no ExternalSecret in the input uses it');
    expect(text).toContain('# From ExternalSecret apps/registry-pull and GitlabDeployToken apps/registry-token.');
    expect(text).not.toMatch(/glpat-|gldt-/);
  });
});
