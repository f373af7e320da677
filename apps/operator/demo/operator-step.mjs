// The operator step of the README's main-job demo (scripts/demo, apps/cli/demo/bootstrap.mjs):
// the real `glkeys-operator` process against the demo's local kube-apiserver and GitLab
// simulator reconciles a GitlabDeployToken to Ready; then the Secret (values redacted), the
// token in GitLab, and a clean SIGTERM. Needs apps/operator built.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { applyCrds } from '../dist/index.js';

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const TOKENS = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };

export async function operatorStep({ kube, sim, pat, project, say }) {
  const namespace = 'apps';
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  await applyCrds(kube.kubeConfig);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespace({ body: { metadata: { name: 'glkeys-system' } } });
  await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'gitlab-pat' }, stringData: { token: pat } } });
  const object = {
    apiVersion: 'glkeys.io/v1alpha1',
    kind: 'GitlabDeployToken',
    metadata: { name: 'registry-pull', namespace },
    spec: {
      url: sim.url,
      projectID: project,
      scopes: ['read_registry'],
      expiresAfter: '720h',
      rotateBefore: '168h',
      auth: { token: { secretRef: { name: 'gitlab-pat', key: 'token' } } },
      target: { name: 'regcred', format: 'dockerconfigjson', registryHost: 'registry.gitlab.example.com' },
    },
  };
  say(`\n$ kubectl apply -f registry-pull.yaml   # a GitlabDeployToken for ${project}, target Secret regcred`);
  await custom.createNamespacedCustomObject({ ...TOKENS, namespace, body: object });

  say(
    '$ glkeys-operator --namespace apps --leader-election-namespace glkeys-system --metrics-bind-address 0 --health-probe-bind-address 0',
  );
  const child = spawn(
    process.execPath,
    [
      bin,
      '--kubeconfig',
      kube.kubeconfigPath,
      '--namespace',
      namespace,
      '--leader-election-namespace',
      'glkeys-system',
      '--metrics-bind-address',
      '0',
      '--health-probe-bind-address',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const logs = [];
  child.stdout.on('data', (chunk) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  try {
    let current;
    for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 250))) {
      current = await custom.getNamespacedCustomObject({ ...TOKENS, namespace, name: 'registry-pull' });
      if (current.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      current = undefined;
    }
    if (!current) throw new Error(`not Ready within 60 s; operator log:\n${logs.slice(-10).join('\n')}`);
    const ready = current.status.conditions.find((c) => c.type === 'Ready');
    say(`\n$ kubectl -n apps get gldt registry-pull`);
    say(
      `  Ready=${ready.status} (${ready.reason})  credential ${current.status.credential.id}  expires ${current.status.credential.expiresAt}  next check ${current.status.nextCheck}`,
    );
    const secret = await core.readNamespacedSecret({ namespace, name: 'regcred' });
    say(`Secret apps/regcred (values redacted): type ${secret.type}`);
    for (const [key, value] of Object.entries(secret.data ?? {}))
      say(`  data.${key}: <${Buffer.from(value, 'base64').length} bytes redacted>`);
    const token = sim.state.deployTokens(project).find((t) => t.id === current.status.credential.id);
    say(`Deploy token ${token.id} in GitLab: "${token.name}", scopes ${token.scopes.join(', ')}`);
  } finally {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    say(`glkeys-operator stopped on SIGTERM (exit ${code})`);
  }
}
