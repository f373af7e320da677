/**
 * Fields shared by GitlabDeployToken and GitlabDeployKey: GitLab address, expiry, rotation
 * timing, CA bundle, deletion policy, API credentials, and the status parts both kinds write.
 */
import {
  array,
  integer,
  object,
  required,
  string,
  stringMap,
  type ObjectSchema,
  type Schema,
  type StringSchema,
  type ValidationRule,
} from './schema.js';
import { DURATION_PATTERN as EXPIRY_DURATION_PATTERN } from '@glkeys/core';

/** Go's time.ParseDuration syntax, unsigned (what metav1.Duration and CEL's duration() read). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|μs|ms|s|m|h))+$';
/** RFC 1123 subdomain, the rule for Secret and ConfigMap names. */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Secret and ConfigMap data keys (IsConfigMapKey). */
export const DATA_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';
/** host[:port]; IPv6 in brackets. The port range itself is checked where the host is used. */
export const HOST_PORT_PATTERN = '^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?|\\[[0-9a-fA-F:.]+\\])(:[0-9]{1,5})?$';
/** A numeric ID or an unescaped full path: no spaces, no scheme, no `%` escapes, no empty segments. */
export const GITLAB_ID_PATTERN = '^[^/\\s:?#%]+(/[^/\\s:?#%]+)*$';

/** Room left in GitLab's 255 characters for the owner marker (`glkeys:<key>/g<n>`) core appends. */
export const GITLAB_NAME_MAX = 200;

/** The smallest refreshInterval and verifyInterval: GitLab calls more often than this help nobody. */
export const MIN_INTERVAL = '1m';
/**
 * The smallest expiresAfter. GitLab reports a deploy token's `expired` at day granularity, so a
 * credential meant to live less than a day may be cut off early or live on; 24 h is also what
 * External Secrets' PR #6709 chose, so a migrated object keeps its meaning.
 */
export const MIN_EXPIRES_AFTER = '24h';

export function duration(description: string): StringSchema {
  return string(description, { pattern: DURATION_PATTERN, maxLength: 64 });
}

/**
 * CEL that is true when `expr` is a duration the pattern accepts. A pattern error does not stop
 * the apiserver from running CEL, and duration() on a bad string would add a second, confusing
 * "type conversion error"; guarding each duration() leaves the pattern's message alone.
 */
export function isDuration(expr: string): string {
  return `${expr}.matches(r'${DURATION_PATTERN}')`;
}

function atLeast(field: string, minimum: string): ValidationRule {
  return { rule: `!${isDuration('self')} || duration(self) >= duration('${minimum}')`, message: `${field} must be at least ${minimum}` };
}

/** `a` shorter than `b`, checked only when both are set and both are durations. */
function shorter(a: string, b: string): string {
  return `!has(self.${a}) || !has(self.${b}) || !${isDuration(`self.${a}`)} || !${isDuration(`self.${b}`)} || duration(self.${a}) < duration(self.${b})`;
}

export const url = string('GitLab base URL, http or https.', {
  default: 'https://gitlab.com',
  maxLength: 2048,
  rules: [
    {
      rule: "isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != ''",
      message: 'url must be an http or https URL with a host, such as https://gitlab.example.com',
    },
  ],
});

export function gitlabId(description: string): StringSchema {
  return string(description, { minLength: 1, maxLength: 1024, pattern: GITLAB_ID_PATTERN });
}

export function secretKeySelector(typeName: string, description: string, objectKind: 'Secret' | 'ConfigMap'): ObjectSchema {
  return object(typeName, description, {
    name: required(
      string(`Name of the ${objectKind} in the object's namespace.`, { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN }),
    ),
    key: required(dataKey(`Key in the ${objectKind}'s data.`)),
  });
}

export function dataKey(description: string): StringSchema {
  return string(description, {
    minLength: 1,
    maxLength: 253,
    pattern: DATA_KEY_PATTERN,
    rules: [{ rule: "self != '.' && !self.startsWith('..')", message: "a data key must not be '.' or start with '..'" }],
  });
}

export const expiresAt = string(
  'When GitLab expires the credential (RFC 3339). Every credential minted gets this same time. Not with expiresAfter.',
  { format: 'date-time', maxLength: 64 },
);

/**
 * expiresAfter takes core's one duration rule (DURATION_RULE, the CLI's --expires-in): Go's
 * syntax plus d and w. CEL's duration() reads only Go's, so a value with days or weeks meets
 * the minimum by having a whole day or week in it.
 */
export const expiresAfter = string(
  `Lifetime of each credential from its creation, at least ${MIN_EXPIRES_AFTER}: a number and a unit, repeated, with units s, m (minutes), h, d (24h) or w (7d), e.g. 720h, 30d, 2w (the rule of the CLI's --expires-in). Not with expiresAt.`,
  { pattern: EXPIRY_DURATION_PATTERN, maxLength: 64 },
);

/** refreshInterval, rotateBefore, verifyInterval, gracePeriod: when to rotate, check and revoke. */
export const rotationFields: Record<string, Schema> = {
  refreshInterval: {
    ...duration(`Rotate the credential this often (Go duration, at least ${MIN_INTERVAL}). Unset: rotate only before expiry.`),
    rules: [atLeast('refreshInterval', MIN_INTERVAL)],
  },
  rotateBefore: duration('Rotate this long before the credential expires. Needs expiresAt or expiresAfter.'),
  verifyInterval: {
    ...duration(`Check this often that the current credential still exists in GitLab (at least ${MIN_INTERVAL}).`),
    rules: [atLeast('verifyInterval', MIN_INTERVAL)],
  },
  gracePeriod: duration('How long a replaced credential stays valid before it is revoked, so consumers can pick up the new one.'),
};

export const deletionPolicy = string(
  'What happens to the GitLab credential when this object is deleted: Revoke it, or Orphan it (leave it live).',
  {
    enum: ['Revoke', 'Orphan'],
    default: 'Revoke',
  },
);

export const caBundle = object(
  'CABundle',
  'CA certificates (PEM) to trust for the GitLab API, for instances with a private CA. Exactly one of secretRef or configMapRef.',
  {
    secretRef: secretKeySelector('CABundleSecretRef', 'A Secret key holding the PEM bundle.', 'Secret'),
    configMapRef: secretKeySelector('CABundleConfigMapRef', 'A ConfigMap key holding the PEM bundle.', 'ConfigMap'),
  },
  {
    rules: [{ rule: 'has(self.secretRef) != has(self.configMapRef)', message: 'caBundle needs exactly one of secretRef or configMapRef' }],
  },
);

export const auth = object('GitlabAuth', 'How the operator authenticates to the GitLab API.', {
  token: required(
    object('GitlabTokenAuth', 'An access token (personal, group or project) with the api scope.', {
      secretRef: required(
        secretKeySelector('GitlabTokenSecretRef', 'The Secret key holding the access token; it is never copied to the target.', 'Secret'),
      ),
    }),
  ),
});

/** Cross-field rules on the rotation fields, evaluated on spec (so both fields are in scope). */
export const rotationRules: ValidationRule[] = [
  {
    rule: '!(has(self.expiresAt) && has(self.expiresAfter))',
    message: 'set expiresAt or expiresAfter, not both',
    fieldPath: '.expiresAfter',
  },
  {
    rule: '!has(self.rotateBefore) || has(self.expiresAt) || has(self.expiresAfter)',
    message: 'rotateBefore needs expiresAt or expiresAfter: it counts back from the expiry',
    fieldPath: '.rotateBefore',
  },
  {
    rule: shorter('rotateBefore', 'expiresAfter'),
    message: 'rotateBefore must be shorter than expiresAfter, or every credential would be due for rotation when it is made',
    fieldPath: '.rotateBefore',
  },
  {
    rule: shorter('rotateBefore', 'refreshInterval'),
    message: 'rotateBefore must be shorter than refreshInterval',
    fieldPath: '.rotateBefore',
  },
  {
    rule: shorter('gracePeriod', 'refreshInterval'),
    message: 'gracePeriod must be shorter than refreshInterval, or replaced credentials would pile up',
    fieldPath: '.gracePeriod',
  },
];

export function withMinExpiresAfter(schema: StringSchema): StringSchema {
  const goForm = `${isDuration('self')} ? duration(self) >= duration('${MIN_EXPIRES_AFTER}')`;
  const wholeDay = "self.matches(r'(^|[^0-9.])0*[1-9][0-9]*(\\.[0-9]+)?[dw]')";
  return {
    ...schema,
    rules: [
      {
        rule: `!self.matches(r'${EXPIRY_DURATION_PATTERN}') || (${goForm} : ${wholeDay})`,
        message: `expiresAfter must be at least ${MIN_EXPIRES_AFTER}`,
      },
    ],
  };
}

const reservedPrefix = (what: string): ValidationRule => ({
  rule: "self.all(k, !k.startsWith('glkeys.io/'))",
  message: `${what} under glkeys.io/ are written by the operator itself`,
});

export function targetMetadata(): Record<string, Schema> {
  return {
    labels: stringMap('Labels added to the target Secret.', { maxProperties: 64, rules: [reservedPrefix('labels')] }),
    annotations: stringMap('Annotations added to the target Secret.', { maxProperties: 64, rules: [reservedPrefix('annotations')] }),
  };
}

export const targetName = required(
  string("Name of the Secret the operator writes, in the object's namespace.", {
    minLength: 1,
    maxLength: 253,
    pattern: DNS_SUBDOMAIN_PATTERN,
  }),
);

const time = (description: string) => string(description, { format: 'date-time' });

/** metav1.Condition, field for field (validation as in apimachinery's types.go). */
export const conditions = array(
  "The latest observations of the object's state: Ready, Reconciling, Stalled.",
  object('Condition', 'One condition (metav1.Condition).', {
    type: required(
      string('Type of condition, CamelCase (Ready, Reconciling, Stalled).', {
        maxLength: 316,
        pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      }),
    ),
    status: required(string('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] })),
    observedGeneration: integer('The .metadata.generation the condition was set from.', { minimum: 0 }),
    lastTransitionTime: required(time('When the condition last changed status.')),
    reason: required(
      string('A CamelCase reason for the last transition.', {
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      }),
    ),
    message: required(string('Human-readable details of the last transition.', { maxLength: 32768 })),
  }),
  { listType: 'map', listMapKeys: ['type'], maxItems: 16 },
);

export function statusFields(credential: ObjectSchema): Record<string, Schema> {
  return {
    conditions,
    observedGeneration: integer('The .metadata.generation the status was last written for.', { minimum: 0 }),
    credential,
    lastRotation: time('When the current credential replaced the previous one.'),
    nextCheck: time('When the operator will next look at GitLab for this object.'),
    pendingRevocations: array(
      'Replaced credentials waiting out their grace period before they are revoked.',
      object('PendingRevocation', 'One replaced credential.', {
        id: required(integer('GitLab ID of the credential.')),
        revokeAfter: required(time('When it will be revoked.')),
      }),
      { listType: 'map', listMapKeys: ['id'], maxItems: 32 },
    ),
    targetName: string('The Secret the credential was last written to; a renamed target is cleaned up.'),
    lastHandledReconcileAt: string('The value of the reconcile.glkeys.io/requestedAt annotation last handled.'),
    fluxHandover: object(
      'FluxHandover',
      'A rotation handed over to Flux: the GitRepositories asked to reconcile, and with which reconcile.fluxcd.io/requestedAt value.',
      {
        requestedAt: required(string('The reconcile.fluxcd.io/requestedAt value the GitRepositories were given.')),
        repositories: required(array('GitRepositories that read the target Secret.', string('A GitRepository name.'), { maxItems: 64 })),
      },
    ),
  };
}

export function credentialFields(): Record<string, Schema> {
  return {
    id: integer('GitLab ID of the current credential.'),
    name: string('Its name (token) or title (key) in GitLab, owner marker included.'),
    createdAt: time('When it was created.'),
    expiresAt: time('When GitLab expires it; unset if it never expires.'),
  };
}
