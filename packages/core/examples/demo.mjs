// A short tour of @glkeys/core against the embedded GitLab simulator: a project deploy token
// through its whole life (create, list, rotate, revoke) and a deploy key (generate, register).
// Secret values are shown masked; the simulator's own request log shows each GitLab call.
import {
  CredentialLifecycle,
  createGitlabClient,
  deployTokenDriver,
  generateKeyPair,
  listDeployTokens,
  parseGitlabRef,
  registerDeployKey,
  resolveTarget,
  resolveTargetRef,
} from '@glkeys/core';
import { SEED_PATHS, SEED_TOKENS, start } from '@glkeys/gitlab-sim';

const mask = (secret) => `${secret.slice(0, 5)}…(${secret.length} chars, hidden)`;
const sim = await start();
const gitlab = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner });
const target = resolveTarget({ project: SEED_PATHS.project });
const calls = () => sim.log.entries().map((e) => `${e.method} ${e.path} -> ${e.status}`);
const step = (title) => console.log(`\n== ${title}`);
let shown = 0;
const newCalls = () => {
  const all = calls();
  for (const line of all.slice(shown)) console.log(`   gitlab: ${line}`);
  shown = all.length;
};

console.log(`GitLab simulator at ${sim.url}, project ${SEED_PATHS.project}`);
let stored;
const lifecycle = new CredentialLifecycle({
  // The driver records its target by numeric ID (a path changes with a rename): one GET.
  driver: deployTokenDriver(gitlab, await resolveTargetRef(gitlab, target), { scopes: ['read_repository'], expiresAfter: '30d' }),
  owner: 'demo-cluster/flux-system/flux-system',
  name: 'flux-system-main-flux-system',
  persist: async ({ state, value }) => {
    stored = { state, value: value ?? stored?.value };
  },
});

step('ensure: create the deploy token (1 GitLab call, after the GET that resolved the path to its ID)');
let result = await lifecycle.ensure(undefined);
newCalls();
console.log(`   ${result.action}: id ${stored.value.id}, username ${stored.value.username}, token ${mask(stored.value.token)}`);

step('list the project deploy tokens');
for (const t of await listDeployTokens(gitlab, target, { active: true }))
  console.log(`   #${t.id} ${t.name} scopes=${t.scopes.join(',')} expires=${t.expiresAt}`);
newCalls();

step('ensure again with verification: the token is alive, nothing is written');
result = await lifecycle.ensure(stored.state, { verify: true });
newCalls();
console.log(`   ${result.action}`);

step('rotate: create the new token, hand it over, revoke the old one (2 calls)');
result = await lifecycle.rotate(stored.state);
newCalls();
console.log(`   ${result.action}: now id ${stored.value.id} (generation ${stored.state.generation}), revoked ${result.revoked.join(', ')}`);

step('revoke everything this owner has');
result = await lifecycle.revokeAll(stored.state);
newCalls();
console.log(
  `   revoked ${result.revoked.join(', ')}; live tokens left: ${(await listDeployTokens(gitlab, target, { active: true })).length}`,
);
newCalls();

step('deploy key: generate ECDSA P-384 (Flux default) and register it read-only');
const pair = await generateKeyPair({ comment: 'glkeys-demo' });
const key = await registerDeployKey(gitlab, parseGitlabRef(SEED_PATHS.project), { title: 'glkeys demo', key: pair.publicKey });
newCalls();
console.log(`   public key: ${pair.publicKey.slice(0, 40)}…`);
console.log(`   private key: ${mask(pair.privateKey)}`);
console.log(`   fingerprint local  ${pair.fingerprintSha256}`);
console.log(`   fingerprint GitLab ${key.fingerprintSha256}  can_push=${key.canPush}`);

await sim.close();
console.log('\ndone.');
