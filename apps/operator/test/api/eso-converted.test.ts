// What `glkeys eso convert` prints is accepted by the apiserver with the glkeys CRDs (their CEL
// rules included): server-side dry-run of every converted object, on kube-testenv.
import { convertEsoDocuments, parseEsoYaml } from '@glkeys/core/eso';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';
import { kubeRequest } from '../../src/api/kube-request.js';

const ns = useNamespace('eso');
beforeAll(() => applyCrds(testEnv().kubeConfig));

const generator = (name: string, spec: string) => `
apiVersion: generators.external-secrets.io/v1alpha1
kind: GitlabDeployToken
metadata: { name: ${name} }
spec:
${spec}
  auth: { token: { secretRef: { name: gitlab-pat, key: token } } }
`;
const externalSecret = (name: string, generatorName: string, extra = '') => `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: ${name} }
spec:
${extra}
  dataFrom:
    - sourceRef: { generatorRef: { apiVersion: generators.external-secrets.io/v1alpha1, kind: GitlabDeployToken, name: ${generatorName} } }
`;

const INPUT = [
  generator(
    'project',
    '  url: https://gitlab.example.com\n  projectID: platform/apps/web\n  name: pull\n  username: k8s-pull\n  scopes: [read_registry, read_virtual_registry]\n  expiresAt: "2030-01-01T00:00:00Z"',
  ),
  generator('group', '  groupID: "42"\n  scopes: [read_repository]\n  expiresAfter: 720h'),
  externalSecret('a', 'project', '  refreshInterval: 24h\n  target: { name: regcred }'),
  externalSecret('b', 'group'),
  externalSecret('c', 'group', '  refreshInterval: 10s'),
  externalSecret('d', 'group', '  refreshPolicy: CreatedOnce'),
].join('---\n');

describe('glkeys eso convert output', () => {
  it('is accepted by the glkeys CRDs (server-side dry-run)', async () => {
    const { tokens, notes } = convertEsoDocuments(parseEsoYaml(INPUT, 'input'), { targetSuffix: '-glkeys' });
    expect(notes.filter((n) => n.level === 'error')).toEqual([]);
    expect(tokens).toHaveLength(4);
    for (const { object } of tokens) {
      const res = await kubeRequest(
        testEnv().kubeConfig,
        'POST',
        `/apis/glkeys.io/v1alpha1/namespaces/${ns.name}/gitlabdeploytokens?dryRun=All&fieldValidation=Strict`,
        object,
      );
      expect(res.status, `${object.metadata.name}: ${JSON.stringify(res.body)}`).toBe(201);
    }
  });

  it('the dry-run is real: a converted object the CRD forbids is refused', async () => {
    const { tokens } = convertEsoDocuments(parseEsoYaml(INPUT, 'input'));
    const object = { ...tokens[0]!.object, spec: { ...tokens[0]!.object.spec, groupID: '7' } };
    const res = await kubeRequest(
      testEnv().kubeConfig,
      'POST',
      `/apis/glkeys.io/v1alpha1/namespaces/${ns.name}/gitlabdeploytokens?dryRun=All`,
      object,
    );
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('exactly one of projectID or groupID');
  });
});
