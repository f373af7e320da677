/**
 * A small builder for structural OpenAPI schemas. The CRD definitions in this folder are written
 * with it once; the CRD YAML, the TypeScript types and the field reference are all rendered
 * from the same nodes (see render-*.ts), so the three cannot drift apart.
 */

/** One `x-kubernetes-validations` entry: a CEL rule and the message the apiserver returns. */
export interface ValidationRule {
  rule: string;
  message: string;
  /** Where the error points, relative to the node carrying the rule (e.g. `.scopes`). */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired';
}

interface Common {
  description: string;
  required?: boolean;
  rules?: ValidationRule[];
}

export interface StringSchema extends Common {
  type: 'string';
  enum?: readonly string[];
  format?: 'date-time';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  default?: string;
}

export interface IntegerSchema extends Common {
  type: 'integer';
  format: 'int32' | 'int64';
  minimum?: number;
  maximum?: number;
  default?: number;
}

export interface BooleanSchema extends Common {
  type: 'boolean';
  default?: boolean;
}

/** A fixed set of fields; `typeName` names its TypeScript interface. */
export interface ObjectSchema extends Common {
  type: 'object';
  typeName: string;
  properties: Record<string, Schema>;
  default?: Record<string, unknown>;
}

/** A map of strings (labels, annotations): `additionalProperties`, never preserve-unknown. */
export interface MapSchema extends Common {
  type: 'map';
  values: StringSchema;
  maxProperties?: number;
}

export interface ArraySchema extends Common {
  type: 'array';
  items: Schema;
  minItems?: number;
  maxItems?: number;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

export type Schema = StringSchema | IntegerSchema | BooleanSchema | ObjectSchema | MapSchema | ArraySchema;

type Options<T extends Schema> = Omit<T, 'type' | 'description' | 'typeName' | 'properties' | 'values' | 'items'>;

export function string(description: string, options: Options<StringSchema> = {}): StringSchema {
  return { type: 'string', description, ...options };
}

export function integer(description: string, options: Partial<Options<IntegerSchema>> = {}): IntegerSchema {
  return { type: 'integer', description, format: 'int64', ...options };
}

export function boolean(description: string, options: Options<BooleanSchema> = {}): BooleanSchema {
  return { type: 'boolean', description, ...options };
}

export function object(
  typeName: string,
  description: string,
  properties: Record<string, Schema>,
  options: Options<ObjectSchema> = {},
): ObjectSchema {
  return { type: 'object', typeName, description, properties, ...options };
}

export function stringMap(description: string, options: Options<MapSchema> = {}): MapSchema {
  return { type: 'map', description, values: { type: 'string', description: '' }, ...options };
}

export function array(description: string, items: Schema, options: Options<ArraySchema> = {}): ArraySchema {
  return { type: 'array', description, items, ...options };
}

/** Marks a property as required in its parent object. */
export function required<T extends Schema>(schema: T): T {
  return { ...schema, required: true };
}

/** The same node with more rules, e.g. a shared field with one kind-specific rule. */
export function withRules<T extends Schema>(schema: T, ...rules: ValidationRule[]): T {
  return { ...schema, rules: [...(schema.rules ?? []), ...rules] };
}
