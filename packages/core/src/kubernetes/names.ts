/**
 * Kubernetes object names glkeys writes: a namespace is a DNS label, a Secret name a DNS
 * subdomain. Checked before any call so a typo fails with the rule, not an apiserver 422.
 * No client import: the main entry re-exports these without loading @kubernetes/client-node.
 */
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkNamespace(value: string, field = 'namespace'): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    throw new ValidationError(
      field,
      'DNS label',
      `${field}: ${shown(String(value))} must be a lower-case DNS label (a-z, 0-9, "-", at most 63 characters)`,
    );
  }
  return value;
}

export function checkSecretName(value: string, field = 'secret-name'): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new ValidationError(
      field,
      'DNS subdomain',
      `${field}: ${shown(String(value))} must be a lower-case DNS name (a-z, 0-9, "-", ".")`,
    );
  }
  return value;
}
