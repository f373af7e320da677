// The README's demo: `glkeys bootstrap gitlab` against the embedded GitLab simulator and a
// local kube-apiserver (kube-testenv), then the resulting Secret (values redacted) and the
// manifests committed to the project; then the operator reconciling a GitlabDeployToken there.
// Run through scripts/demo after a build.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { SEED_TOKENS, start as startSim } from '@glkeys/gitlab-sim';
import { start as startKube } from '@glkeys/kube-testenv';
import { operatorStep } from '../../operator/demo/operator-step.mjs';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const say = (text) => process.stdout.write(`${text}\n`);

const sim = await startSim();
const kube = await startKube();
try {
  const env = { ...process.env, GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: kube.kubeconfigPath, NO_COLOR: '1' };
  const args = [
    'bootstrap',
    'gitlab',
    '--owner',
    'platform/apps',
    '--repository',
    'fleet',
    '--path',
    'clusters/demo',
    '--deploy-token-auth',
  ];
  say(`GitLab simulator ${sim.url}, kube-apiserver ${kube.url}\n`);
  say(`$ glkeys ${args.join(' ')}`);
  const first = await run(process.execPath, [bin, ...args], { env });
  process.stdout.write(first.stderr + first.stdout);

  sim.log.clear();
  say(`\n$ glkeys ${args.join(' ')}   # again: nothing to do`);
  const again = await run(process.execPath, [bin, ...args], { env });
  process.stdout.write(again.stdout);
  say(`GitLab writes on the re-run: ${sim.log.count({ write: true })}, GitLab calls: ${sim.log.count()}`);

  const secret = await kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'flux-system', namespace: 'flux-system' });
  say('\nSecret flux-system/flux-system (values redacted):');
  say(`  type: ${secret.type}`);
  for (const [key, value] of Object.entries(secret.data ?? {}))
    say(`  data.${key}: <${Buffer.from(value, 'base64').length} bytes redacted>`);
  for (const [key, value] of Object.entries(secret.metadata?.annotations ?? {})) say(`  annotation ${key}: ${value}`);

  const files = sim.state.files('platform/apps/fleet', 'main');
  for (const [path, content] of Object.entries(files)) say(`\n--- committed ${path}\n${content.trimEnd()}`);
  say(
    `\nDeploy tokens of platform/apps/fleet: ${sim.state
      .deployTokens('platform/apps/fleet')
      .map((t) => `${t.id} "${t.name}"${t.revoked ? ' (revoked)' : ''}`)
      .join(', ')}`,
  );

  // The operator keeps a deploy token alive in the same cluster (apps/operator).
  await operatorStep({ kube, sim, pat: SEED_TOKENS.owner, project: 'platform/apps/fleet', say });
} finally {
  await kube.stop();
  await sim.close();
}
