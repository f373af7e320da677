/** What every glkeys CRD shares: group, version, scope, category, subresource, printer columns. */
import type { ObjectSchema } from './schema.js';

export const GROUP = 'glkeys.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const CATEGORY = 'glkeys';

export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: ObjectSchema;
  status: ObjectSchema;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

/**
 * Expires and Next check are in the future, and kubectl prints a future `date` column as
 * `<invalid>`, so they are strings (RFC 3339). Age is in the past, so it is a date.
 */
export const PRINTER_COLUMNS: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Status of the Ready condition.',
  },
  { name: 'Target', type: 'string', jsonPath: '.spec.target.name', description: 'The Secret the operator writes.' },
  { name: 'Credential', type: 'integer', jsonPath: '.status.credential.id', description: 'GitLab ID of the current credential.' },
  { name: 'Expires', type: 'string', jsonPath: '.status.credential.expiresAt', description: 'When GitLab expires the current credential.' },
  { name: 'Next check', type: 'string', jsonPath: '.status.nextCheck', description: 'When the operator next looks at GitLab.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age of the object.' },
];
