/** One difference between two versions of the contract. */
export interface ContractChange {
  /** True when a client written against the old contract may break. */
  breaking: boolean;
  message: string;
}

type Json = Record<string, unknown>;

/** Which way the data flows: what the server accepts, or what it sends. */
export type Direction = 'accepted' | 'sent';

const NARROWING: Record<string, 'min' | 'max' | 'any'> = {
  minLength: 'min',
  minimum: 'min',
  exclusiveMinimum: 'min',
  minItems: 'min',
  maxLength: 'max',
  maximum: 'max',
  exclusiveMaximum: 'max',
  maxItems: 'max',
  pattern: 'any',
  format: 'any',
  multipleOf: 'any',
};

function typesOf(schema: Json): string[] {
  if (Array.isArray(schema.type)) return schema.type.map(String).sort();
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

const show = (value: unknown) => JSON.stringify(value);

/** Compares two schemas; `resolve` follows `$ref`s in each document. */
export class SchemaDiff {
  constructor(
    private readonly before: (schema: unknown) => Json,
    private readonly after: (schema: unknown) => Json,
    private readonly changes: ContractChange[],
  ) {}

  compare(oldSchema: unknown, newSchema: unknown, where: string, direction: Direction): void {
    this.walk(this.before(oldSchema), this.after(newSchema), where, '', direction, 0);
  }

  private add(breaking: boolean, message: string): void {
    this.changes.push({ breaking, message });
  }

  private walk(
    a: Json,
    b: Json,
    where: string,
    path: string,
    direction: Direction,
    depth: number,
  ): void {
    if (depth > 32) return;
    const field = path ? `field \`${path}\`` : 'the data';
    const [typesA, typesB] = [typesOf(a), typesOf(b)];
    if (typesA.length && typesB.length && show(typesA) !== show(typesB)) {
      // Every old type still accepted (an integer is a number).
      const widened = typesA.every(
        (type) => typesB.includes(type) || (type === 'integer' && typesB.includes('number')),
      );
      const breaking = direction === 'accepted' ? !widened : true;
      this.add(
        breaking,
        `${where}: ${field} changed type from ${typesA.join('|')} to ${typesB.join('|')}`,
      );
      return;
    }
    if ('const' in a || 'const' in b) {
      if (show(a.const) !== show(b.const)) {
        this.add(true, `${where}: ${field} changed from ${show(a.const)} to ${show(b.const)}`);
      }
    }
    this.compareEnum(a, b, where, field, direction);
    this.compareConstraints(a, b, where, field, direction);
    if (typesA.includes('object') || typesB.includes('object')) {
      this.compareObject(a, b, where, path, direction, depth);
    }
    if (a.items !== undefined || b.items !== undefined) {
      this.walk(
        this.before(a.items ?? {}),
        this.after(b.items ?? {}),
        where,
        `${path}[]`,
        direction,
        depth + 1,
      );
    }
    for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
      if (show(a[keyword]) !== show(b[keyword])) {
        this.add(true, `${where}: ${field} changed its ${keyword} alternatives`);
      }
    }
  }

  private compareEnum(a: Json, b: Json, where: string, field: string, direction: Direction): void {
    if (!Array.isArray(a.enum) && !Array.isArray(b.enum)) return;
    const oldValues = Array.isArray(a.enum) ? a.enum.map(show) : undefined;
    const newValues = Array.isArray(b.enum) ? b.enum.map(show) : undefined;
    const removed = oldValues?.filter((value) => !newValues?.includes(value)) ?? [];
    const added = newValues?.filter((value) => !oldValues?.includes(value)) ?? [];
    if (newValues && !oldValues) {
      this.add(
        direction === 'accepted',
        `${where}: ${field} was narrowed to one of ${newValues.join(', ')}`,
      );
      return;
    }
    if (removed.length && newValues) {
      this.add(
        direction === 'accepted',
        `${where}: ${field} was narrowed: no longer ${removed.join(', ')}`,
      );
    }
    if (added.length || (oldValues && !newValues)) {
      this.add(
        direction === 'sent',
        `${where}: ${field} was widened${added.length ? `: now also ${added.join(', ')}` : ' to any value'}`,
      );
    }
  }

  private compareConstraints(
    a: Json,
    b: Json,
    where: string,
    field: string,
    direction: Direction,
  ): void {
    for (const [keyword, kind] of Object.entries(NARROWING)) {
      const [before, after] = [a[keyword], b[keyword]];
      if (show(before) === show(after)) continue;
      const narrowed =
        before === undefined ||
        (after !== undefined &&
          (kind === 'any' ||
            (kind === 'min' && Number(after) > Number(before)) ||
            (kind === 'max' && Number(after) < Number(before))));
      const change = `${keyword} ${before === undefined ? 'none' : show(before)} → ${after === undefined ? 'none' : show(after)}`;
      this.add(
        direction === 'accepted' && narrowed,
        `${where}: ${field} was ${narrowed ? 'narrowed' : 'widened'}: ${change}`,
      );
    }
  }

  private compareObject(
    a: Json,
    b: Json,
    where: string,
    path: string,
    direction: Direction,
    depth: number,
  ): void {
    const oldProps = (a.properties ?? {}) as Json;
    const newProps = (b.properties ?? {}) as Json;
    const oldRequired = new Set((a.required ?? []) as string[]);
    const newRequired = new Set((b.required ?? []) as string[]);
    const closed = b.additionalProperties === false;
    const name = (key: string) => `field \`${path ? `${path}.${key}` : key}\``;
    for (const key of Object.keys(oldProps)) {
      if (key in newProps) continue;
      this.add(
        direction === 'sent' || closed || oldRequired.has(key),
        direction === 'accepted'
          ? `${where}: ${name(key)} was removed${closed ? ' (a client that sends it is now refused)' : ''}`
          : `${where}: ${name(key)} was removed (a client that reads it gets nothing)`,
      );
    }
    for (const key of Object.keys(newProps)) {
      if (key in oldProps) continue;
      const required = newRequired.has(key);
      this.add(
        direction === 'accepted' && required,
        `${where}: ${required ? 'required ' : 'optional '}${name(key)} was added`,
      );
    }
    for (const key of Object.keys(newProps)) {
      if (!(key in oldProps)) continue;
      if (!oldRequired.has(key) && newRequired.has(key)) {
        this.add(direction === 'accepted', `${where}: ${name(key)} became required`);
      }
      if (oldRequired.has(key) && !newRequired.has(key)) {
        this.add(direction === 'sent', `${where}: ${name(key)} became optional`);
      }
      this.walk(
        this.before(oldProps[key]),
        this.after(newProps[key]),
        where,
        path ? `${path}.${key}` : key,
        direction,
        depth + 1,
      );
    }
  }
}
