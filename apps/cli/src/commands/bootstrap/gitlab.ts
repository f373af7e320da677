import { Flags } from '@oclif/core';
import type { BootstrapAuth, BootstrapGitlabPlan, BootstrapGitlabResult, BootstrapStep } from '@glkeys/core/bootstrap';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, kubeFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { resolveHost } from '../../lib/gitlab.js';
import { knownHostsFor, sshHostOf } from '../../lib/key-secret.js';
import { createsNamespace, secretTarget } from '../../lib/kube.js';
import { createProgress } from '../../lib/progress.js';
import { exportYaml, stepLabels } from '../../lib/bootstrap-output.js';

export type BootstrapGitlabJson = Omit<BootstrapGitlabResult, 'secret'> & {
  secret: { namespace: string; name: string; written: boolean };
  /** Present with --export only: the YAML documents (the Secret's values included, as asked). */
  export?: string;
};

/** --dry-run's JSON: the plan, and nothing done. */
export interface BootstrapGitlabPlanJson {
  dryRun: true;
  plan: BootstrapGitlabPlan;
}

const BOOLEANS = ['personal', 'private', 'token-auth', 'deploy-token-auth', 'read-write-key', 'export', 'rotate', 'dry-run'];

export default class BootstrapGitlab extends GlkeysCommand<BootstrapGitlabJson | BootstrapGitlabPlanJson> {
  static override summary = 'The credential side of `flux bootstrap gitlab`: project, deploy key or token, Secret, sync manifests.';
  static override description = `Same flags and defaults as Flux. Steps: preflight (token scopes and your role), find or create the project (private), \
create the deploy key (SSH, default) or deploy token (--deploy-token-auth) or use the token itself (--token-auth), write the Secret \
<namespace>/<secret-name> by server-side apply in Flux's format, and commit <path>/flux-system/gotk-sync.yaml and kustomization.yaml \
(only if absent) through the commits API.

A re-run with the Secret in place and its credential alive changes nothing (one verifying GET); --rotate replaces the credential; \
a credential revoked in GitLab is replaced. Flux's controllers are not installed: use \`flux install\` or your own manifests.

--dry-run prints the plan and writes nothing anywhere: GitLab is only read (preflight, the project, the current credential, the files), \
the SSH host is scanned and the Secret read; no project, credential, Secret, namespace or commit is made.

--export prints the Secret and the sync manifests as YAML instead of applying and committing. It still creates the project when \
missing and the credential in GitLab (stderr says each), and the printed Secret holds the credential's value, because that is what \
you asked to export. Each export replaces the credential an earlier export of the same namespace, Secret and project created (it is \
revoked), so exports never pile up live credentials: a cluster set up from an earlier export loses its access. Preview with --dry-run.

Token: GITLAB_TOKEN, a no-echo prompt on a terminal, or one line on stdin.`;
  static override examples = [
    'GITLAB_TOKEN=... <%= config.bin %> bootstrap gitlab --owner my-user --repository fleet --personal --path clusters/dev',
    '<%= config.bin %> bootstrap gitlab --owner my-group/sub --repository fleet --deploy-token-auth --path clusters/prod',
    '<%= config.bin %> bootstrap gitlab --hostname gitlab.example.com --ca-file ca.pem --ssh-hostname ssh.gitlab.example.com:2222 --owner team --repository fleet',
    'echo "$TOKEN" | <%= config.bin %> bootstrap gitlab --owner team --repository fleet --export > flux-system.yaml',
  ];
  /** Core's field names as this command's (Flux's) flags, for error reports. */
  static override fieldFlags = {
    owner: '--owner',
    repository: '--repository',
    personal: '--personal',
    visibility: '--visibility',
    tokenAuth: '--token-auth',
    readWriteKey: '--read-write-key',
    secretName: '--secret-name',
    namespace: '--namespace',
  };
  static override flags = {
    owner: Flags.string({ summary: 'GitLab user or group (group/subgroup).', required: true }),
    repository: Flags.string({
      summary: 'Project name or path under --owner (found by path, else by exact name; created, private, when missing).',
      required: true,
    }),
    personal: Flags.boolean({ summary: 'The owner is your user, not a group.', allowNo: true }),
    branch: Flags.string({ summary: 'Git branch.', default: 'main' }),
    path: Flags.string({ summary: 'Path in the repository Flux syncs (e.g. clusters/my-cluster).', default: '' }),
    visibility: Flags.string({
      summary: 'Visibility of a created project (default private).',
      options: ['private', 'internal', 'public'],
    }),
    private: Flags.boolean({ summary: 'Deprecated by Flux; --private=false means --visibility public.', allowNo: true, hidden: false }),
    'token-auth': Flags.boolean({ summary: 'Store the GitLab token itself in the Secret (username git); HTTPS.', allowNo: true }),
    'deploy-token-auth': Flags.boolean({ summary: 'Create a project deploy token (read_repository); HTTPS.', allowNo: true }),
    'ssh-key-algorithm': Flags.string({ summary: 'SSH key algorithm.', options: ['ecdsa', 'rsa', 'ed25519'], default: 'ecdsa' }),
    'ssh-ecdsa-curve': Flags.string({ summary: 'ECDSA curve.', options: ['p256', 'p384', 'p521'], default: 'p384' }),
    'ssh-rsa-bits': Flags.integer({ summary: 'RSA key size.', default: 2048 }),
    'ssh-hostname': Flags.string({ summary: 'SSH host[:port] for the Git URL and known_hosts (default: the GitLab host, port 22).' }),
    'read-write-key': Flags.boolean({ summary: 'Give the deploy key write access (image automation).', allowNo: true }),
    'secret-name': Flags.string({ summary: 'Name of the Secret.', default: 'flux-system' }),
    namespace: Flags.string({
      summary: 'Namespace of the Secret and the Flux objects (flux-system is created when missing, as Flux does).',
      default: 'flux-system',
    }),
    'create-namespace': Flags.boolean({ summary: 'Create --namespace when missing (needed for a namespace other than flux-system).' }),
    interval: Flags.string({ summary: 'GitRepository sync interval.', default: '1m' }),
    rotate: Flags.boolean({ summary: 'Replace the credential now (lifecycle protocol: create, write Secret, revoke old).' }),
    export: Flags.boolean({
      summary: 'Print the Secret (with its values) and sync manifests as YAML; no cluster, no commit (GitLab writes are said on stderr).',
    }),
    'dry-run': Flags.boolean({ summary: 'Print what would be done; write nothing in GitLab, Kubernetes or git.' }),
    ...kubeFlags,
    ...hostFlags,
  };

  async run(): Promise<BootstrapGitlabJson | BootstrapGitlabPlanJson> {
    this.normalizeBooleans(BOOLEANS);
    const { flags } = await this.parse(BootstrapGitlab);
    const core = await import('@glkeys/core');
    const bootstrap = await import('@glkeys/core/bootstrap');

    // Everything is validated before the token prompt and before any GitLab call.
    const visibility = this.visibility(flags.visibility, flags.private);
    if (flags['token-auth'] || flags['deploy-token-auth']) {
      this.refuseGiven(
        ['ssh-key-algorithm', 'ssh-ecdsa-curve', 'ssh-rsa-bits', 'ssh-hostname'],
        `with --${flags['token-auth'] ? 'token-auth' : 'deploy-token-auth'} (HTTPS: no SSH key)`,
      );
    } else {
      this.refuseUnusedKeyFlags(flags['ssh-key-algorithm']);
    }
    if (flags.export) this.refuseGiven(['kubeconfig', 'context', 'create-namespace'], 'with --export (no cluster is used)');
    bootstrap.checkProjectCoordinates({ owner: flags.owner, repository: flags.repository, visibility, personal: flags.personal === true });
    bootstrap.checkBootstrapAuthFlags({
      tokenAuth: flags['token-auth'] === true,
      deployTokenAuth: flags['deploy-token-auth'] === true,
      readWriteKey: flags['read-write-key'] === true,
    });
    bootstrap.checkBranch(flags.branch, '--branch');
    const path = bootstrap.checkSyncPath(flags.path, '--path');
    core.checkNamespace(flags.namespace, '--namespace');
    core.checkSecretName(flags['secret-name'], '--secret-name');
    bootstrap.parseGoDuration(flags.interval, '--interval');
    const gitlabHost = core.normalizeHost(resolveHost(flags.hostname), 'hostname');
    const sshHost = await sshHostOf(flags['ssh-hostname'], gitlabHost);
    if (flags['ssh-key-algorithm'] === 'rsa' && (flags['ssh-rsa-bits'] < 2048 || flags['ssh-rsa-bits'] > 4096)) {
      throw new core.ValidationError('--ssh-rsa-bits', '2048..4096', '--ssh-rsa-bits: must be from 2048 to 4096');
    }

    const { client, token, caCert } = await gitlabClient(flags);
    // Bootstrap creates its namespace, as `flux bootstrap` does; other commands do not.
    const kube = flags.export
      ? undefined
      : await secretTarget(flags, flags.namespace, flags['secret-name'], { createNamespace: createsNamespace(flags) });
    const store = kube?.store ?? new core.MemorySecretStore();
    const progress = createProgress(!this.jsonEnabled() && !flags.export && !flags['dry-run']);
    const onStep = (s: BootstrapStep) =>
      s.status === 'start' ? progress.start(stepLabels[s.id]) : progress.done(stepLabels[s.id], s.detail);

    const auth: BootstrapAuth = flags['token-auth']
      ? { kind: 'token-auth', token }
      : flags['deploy-token-auth']
        ? { kind: 'deploy-token' }
        : {
            kind: 'ssh',
            algorithm: flags['ssh-key-algorithm'] as 'ecdsa' | 'rsa' | 'ed25519',
            curve: flags['ssh-ecdsa-curve'] as 'p256' | 'p384' | 'p521',
            rsaBits: flags['ssh-rsa-bits'],
            readWrite: flags['read-write-key'] === true,
            sshHost,
            knownHosts: () => knownHostsFor(sshHost),
          };

    const common = {
      client,
      owner: flags.owner,
      repository: flags.repository,
      personal: flags.personal === true,
      visibility,
      branch: flags.branch,
      path,
      secretName: flags['secret-name'],
      namespace: flags.namespace,
      interval: flags.interval,
      auth,
      ...(caCert ? { caCert } : {}),
      clusterId: kube?.clusterId ?? 'export',
      store,
      rotate: flags.rotate,
      commit: !flags.export,
    };
    if (flags['dry-run']) return this.plan(await bootstrap.planBootstrapGitlab(common), flags.export);
    const result = await bootstrap.bootstrapGitlab({ ...common, onStep });
    if (flags.export) this.saidInGitlab(result, flags['read-write-key'] === true);
    for (const warning of result.warnings) this.note(`warning: ${warning}`);
    const { manifest, ...secret } = result.secret;
    const json: BootstrapGitlabJson = { ...result, secret };
    if (flags.export) {
      const yaml = exportYaml(manifest, result.files);
      if (!this.jsonEnabled()) process.stdout.write(yaml);
      return { ...json, export: yaml };
    }
    this.say(`Project    ${result.project.path}${result.project.created ? ' (created)' : ''}  ${result.project.webUrl}`);
    this.say(`Source     ${result.url} (branch ${flags.branch})`);
    this.say(
      `Credential ${result.credential.kind} ${result.credential.id ?? ''} ${result.credential.action}${result.credential.revoked.length ? `, revoked ${result.credential.revoked.join(', ')}` : ''}`,
    );
    if (result.credential.fingerprintSha256)
      this.say(`Key        ${result.credential.fingerprintSha256}${flags['read-write-key'] ? ' (read-write)' : ' (read-only)'}`);
    this.say(`Secret     ${secret.namespace}/${secret.name} ${secret.written ? 'written' : 'unchanged'}`);
    this.say(
      `Manifests  ${result.commit?.commit ? `committed ${result.commit.commit.id.slice(0, 8)}` : 'unchanged'} (${result.commit?.files.map((f) => `${f.path} ${f.outcome}`).join(', ')})`,
    );
    return json;
  }

  /** --dry-run: the plan, in words (stdout) or as JSON. */
  private plan(plan: BootstrapGitlabPlan, exported: boolean | undefined): BootstrapGitlabPlanJson {
    this.say(`Plan (dry run, nothing written${exported ? '; with --export the Secret would be printed, not applied' : ''}):`);
    for (const step of plan.steps) this.say(`  ${step.description}`);
    this.say(`Source: ${plan.url}`);
    return { dryRun: true, plan };
  }

  /** With --export nothing reaches the cluster, so each GitLab write is said on stderr. */
  private saidInGitlab(result: BootstrapGitlabResult, readWrite: boolean): void {
    if (result.project.created) this.note(`GitLab: created project ${result.project.path} (${result.project.webUrl}).`);
    const c = result.credential;
    const noun = c.kind === 'deploy-key' ? `${readWrite ? 'read-write' : 'read-only'} deploy key` : 'deploy token';
    if (c.kind !== 'personal-access-token' && c.id !== null && c.action !== 'kept') {
      this.note(`GitLab: created ${noun} ${c.id} on ${result.project.path}; it does not expire and the printed Secret holds its value.`);
    }
    if (c.revoked.length > 0) this.note(`GitLab: revoked ${c.revoked.join(', ')} (made by an earlier export of this Secret).`);
    if (c.kind === 'personal-access-token') this.note('GitLab: nothing created; the printed Secret holds your token itself.');
  }

  /** Flux's deprecated --private and --visibility: one answer, or a refusal when they disagree. */
  private visibility(visibility: string | undefined, isPrivate: boolean | undefined): 'private' | 'internal' | 'public' {
    const implied = isPrivate === undefined ? undefined : isPrivate ? 'private' : 'public';
    if (visibility !== undefined && implied !== undefined && visibility !== implied) {
      this.conflict(
        '--visibility',
        `--visibility ${visibility} contradicts --private${isPrivate ? '' : '=false'} (which means ${implied}); give --visibility only`,
      );
    }
    return (visibility ?? implied ?? 'private') as 'private' | 'internal' | 'public';
  }
}
