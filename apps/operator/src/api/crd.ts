/** Turns a KindDefinition into the CustomResourceDefinition object users apply. */
import { gitlabDeployKey } from './gitlab-deploy-key.js';
import { gitlabDeployToken } from './gitlab-deploy-token.js';
import { CATEGORY, GROUP, PRINTER_COLUMNS, VERSION, type KindDefinition } from './kind.js';
import type { Schema } from './schema.js';

export const KINDS: readonly KindDefinition[] = [gitlabDeployToken, gitlabDeployKey];

type Json = Record<string, unknown>;

/** Structural OpenAPI v3 for one node; keys in a fixed order so the YAML diffs read well. */
export function openApiSchema(schema: Schema): Json {
  const out: Json = { description: schema.description };
  switch (schema.type) {
    case 'string':
      Object.assign(out, {
        type: 'string',
        format: schema.format,
        enum: schema.enum ? [...schema.enum] : undefined,
        default: schema.default,
      });
      Object.assign(out, { pattern: schema.pattern, minLength: schema.minLength, maxLength: schema.maxLength });
      break;
    case 'integer':
      Object.assign(out, {
        type: 'integer',
        format: schema.format,
        default: schema.default,
        minimum: schema.minimum,
        maximum: schema.maximum,
      });
      break;
    case 'boolean':
      Object.assign(out, { type: 'boolean', default: schema.default });
      break;
    case 'map':
      Object.assign(out, { type: 'object', maxProperties: schema.maxProperties, additionalProperties: { type: 'string' } });
      break;
    case 'array':
      Object.assign(out, { type: 'array', minItems: schema.minItems, maxItems: schema.maxItems, items: openApiSchema(schema.items) });
      Object.assign(out, { 'x-kubernetes-list-type': schema.listType, 'x-kubernetes-list-map-keys': schema.listMapKeys });
      break;
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, child]) => [name, openApiSchema(child)]));
      const required = Object.entries(schema.properties)
        .filter(([, child]) => child.required)
        .map(([name]) => name);
      Object.assign(out, { type: 'object', default: schema.default, properties, required: required.length ? required : undefined });
      break;
    }
  }
  if (schema.rules?.length) out['x-kubernetes-validations'] = schema.rules.map((rule) => ({ ...rule }));
  return Object.fromEntries(Object.entries(out).filter(([, value]) => value !== undefined && value !== ''));
}

export function customResourceDefinition(def: KindDefinition): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS.map((column) => ({ ...column })),
          schema: {
            openAPIV3Schema: {
              description: def.description,
              type: 'object',
              properties: {
                apiVersion: { type: 'string', description: 'APIVersion of this object: glkeys.io/v1alpha1.' },
                kind: { type: 'string', description: `Kind of this object: ${def.kind}.` },
                metadata: { type: 'object' },
                spec: openApiSchema(def.spec),
                status: openApiSchema(def.status),
              },
              required: ['spec'],
            },
          },
        },
      ],
    },
  };
}

/** The CRDs as plain objects, identical to config/crd/*.yaml (a test keeps them so). */
export function customResourceDefinitions(): Json[] {
  return KINDS.map(customResourceDefinition);
}
