import { type JsonSchema } from './json-schema.js';

const COMPONENT_PREFIX = '#/components/schemas/';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property name as TypeScript writes it: bare when it can be, else quoted. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function literal(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    : JSON.stringify(value);
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

function asItem(type: string): string {
  return /[|&\s]/.test(type) && !/^\{[\s\S]*\}$/.test(type) ? `(${type})[]` : `${type}[]`;
}

/**
 * Writes JSON Schema (as the AsyncAPI document holds it) as a TypeScript
 * type; `$ref`s to `components.schemas` become the component's name, and
 * `refs` collects them so the caller can declare each.
 */
export function schemaToTypeScript(schema: unknown, refs: Set<string>, indent = ''): string {
  if (typeof schema !== 'object' || schema === null) return schema === false ? 'never' : 'unknown';
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') {
    if (!s.$ref.startsWith(COMPONENT_PREFIX)) return 'unknown';
    const name = s.$ref.slice(COMPONENT_PREFIX.length);
    refs.add(name);
    return name;
  }
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return union(s.enum.map(literal));
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    return union(alternatives.map((alternative) => schemaToTypeScript(alternative, refs, indent)));
  }
  if (Array.isArray(s.allOf)) {
    return s.allOf.map((part) => schemaToTypeScript(part, refs, indent)).join(' & ') || 'unknown';
  }
  if (Array.isArray(s.type)) {
    return union(s.type.map((type) => schemaToTypeScript({ ...s, type }, refs, indent)));
  }
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return asItem(schemaToTypeScript(s.items, refs, indent));
    case 'object':
      return objectType(s, refs, indent);
    default:
      return s.properties ? objectType(s, refs, indent) : 'unknown';
  }
}

function objectType(s: JsonSchema, refs: Set<string>, indent: string): string {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(
    ([name, property]) =>
      `${inner}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${schemaToTypeScript(property, refs, inner)};`,
  );
  const extra = s.additionalProperties;
  if (extra !== undefined && extra !== false && lines.length === 0) {
    return `Record<string, ${extra === true ? 'unknown' : schemaToTypeScript(extra, refs, indent)}>`;
  }
  if (lines.length === 0) return 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}
