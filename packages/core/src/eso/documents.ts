/**
 * Reading External Secrets' objects out of YAML: multi-document streams and `kind: List`, with
 * syntax errors named by file and document. Field names are ESO's (apis/generators/v1alpha1
 * types_gitlab.go, types_cluster.go; apis/externalsecrets/v1 externalsecret_types.go).
 */
import { parseAllDocuments } from 'yaml';
import { ValidationError } from '../errors.js';

export const GENERATORS_API_VERSION = 'generators.external-secrets.io/v1alpha1';
export const EXTERNAL_SECRET_API_VERSIONS = ['external-secrets.io/v1', 'external-secrets.io/v1beta1'];

export interface EsoObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: unknown;
}

/** Where an object came from, for notes: `file#3` (1-based document index). */
export interface SourcedObject {
  object: EsoObject;
  origin: string;
}

/** Every object in a YAML stream; a `kind: List` contributes its items. */
export function parseEsoYaml(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    const origin = `${file}#${index + 1}`;
    if (document.errors.length > 0) {
      throw new ValidationError(file, 'YAML', `${origin}: not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ValidationError(file, 'Kubernetes object', `${origin}: not a Kubernetes object (a YAML mapping with apiVersion and kind)`);
    }
    const object = value as EsoObject & { items?: unknown };
    if (object.kind === 'List' && Array.isArray(object.items)) {
      object.items.forEach((item, i) => out.push({ object: item as EsoObject, origin: `${origin}.items[${i}]` }));
    } else {
      out.push({ object, origin });
    }
  });
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `namespace/name`, or `name` when the object names no namespace. */
export function displayName(object: EsoObject): string {
  const name = str(object.metadata?.name) ?? '(unnamed)';
  const namespace = str(object.metadata?.namespace);
  return namespace ? `${namespace}/${name}` : name;
}
