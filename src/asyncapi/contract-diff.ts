import { type ContractChange, SchemaDiff } from './schema-diff.js';

export type { ContractChange } from './schema-diff.js';

type Json = Record<string, unknown>;

function resolver(document: Json): (value: unknown) => Json {
  return (value) => {
    let current = (value ?? {}) as Json;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
      const keys = (current.$ref as string).replace(/^#\//, '').split('/');
      current = (keys.reduce<unknown>(
        (node, key) => (node as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
        document,
      ) ?? {}) as Json;
    }
    return current;
  };
}

interface OperationView {
  action: string;
  channel: string;
  event: string;
  data: unknown;
  dataRequired: boolean;
  reply?: { event: string; data: unknown };
}

function operationsOf(document: Json): Map<string, OperationView> {
  const resolve = resolver(document);
  const views = new Map<string, OperationView>();
  for (const [id, operation] of Object.entries(
    (document.operations ?? {}) as Record<string, Json>,
  )) {
    const channel = resolve(operation.channel);
    const frame = (message: unknown) => {
      const payload = resolve(resolve(message).payload);
      const properties = (payload.properties ?? {}) as Json;
      return {
        event: String((resolve(properties.event) as Json).const ?? resolve(message).name ?? ''),
        data: properties.data ?? payload,
        dataRequired: ((payload.required ?? []) as string[]).includes('data'),
      };
    };
    const [message] = (operation.messages ?? []) as unknown[];
    const request = frame(message);
    const replies = (((operation.reply as Json | undefined)?.messages ?? []) as unknown[])
      .map(frame)
      .filter((reply) => reply.event !== 'error');
    const view = {
      action: String(operation.action),
      channel: String(channel.address ?? id),
      ...request,
      reply: replies[0],
    };
    // Keyed by what a client sees, not by the operation's id.
    views.set(`${view.action} ${view.channel} ${view.event}`, view);
  }
  return views;
}

function codesOf(document: Json): string[] {
  return ((document['x-error-codes'] ?? []) as Array<{ code: string }>).map((row) => row.code);
}

/**
 * What changed between two AsyncAPI documents made by this module, each
 * change named in one sentence and marked breaking when a client written
 * against `before` may fail against `after`: an event or push removed, a
 * reply event changed, a required field added to what the server accepts,
 * a field removed, a type or range narrowed, an error code removed.
 */
export function contractChanges(before: Json, after: Json): ContractChange[] {
  const changes: ContractChange[] = [];
  const diff = new SchemaDiff(resolver(before), resolver(after), changes);
  const [old, current] = [operationsOf(before), operationsOf(after)];
  for (const [id, operation] of old) {
    const kind = operation.action === 'send' ? 'push' : 'event';
    const where = `${operation.channel} ${kind} \`${operation.event}\``;
    const next = current.get(id);
    if (!next) {
      changes.push({ breaking: true, message: `${where} was removed` });
      continue;
    }
    if (operation.action === 'send') {
      diff.compare(operation.data, next.data, where, 'sent');
      continue;
    }
    if (!operation.dataRequired && next.dataRequired) {
      changes.push({ breaking: true, message: `${where}: \`data\` became required` });
    }
    diff.compare(operation.data, next.data, `${where} request`, 'accepted');
    if (operation.reply && !next.reply) {
      changes.push({ breaking: true, message: `${where}: its reply was removed` });
    } else if (!operation.reply && next.reply) {
      changes.push({ breaking: false, message: `${where}: now replies \`${next.reply.event}\`` });
    } else if (operation.reply && next.reply) {
      if (operation.reply.event !== next.reply.event) {
        changes.push({
          breaking: true,
          message: `${where}: its reply event changed from \`${operation.reply.event}\` to \`${next.reply.event}\``,
        });
      }
      diff.compare(operation.reply.data, next.reply.data, `${where} reply`, 'sent');
    }
  }
  for (const [id, operation] of current) {
    if (old.has(id)) continue;
    const kind = operation.action === 'send' ? 'push' : 'event';
    changes.push({
      breaking: false,
      message: `${operation.channel} ${kind} \`${operation.event}\` was added`,
    });
  }
  const [oldCodes, newCodes] = [codesOf(before), codesOf(after)];
  for (const code of oldCodes.filter((code) => !newCodes.includes(code))) {
    changes.push({ breaking: true, message: `error code \`${code}\` was removed` });
  }
  for (const code of newCodes.filter((code) => !oldCodes.includes(code))) {
    changes.push({ breaking: false, message: `error code \`${code}\` was added` });
  }
  return changes;
}

/** The changes as a report, breaking ones first; anything else that differs is named by its path. */
export function describeChanges(before: Json, after: Json): string | undefined {
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  const changes = contractChanges(before, after).sort(
    (x, y) => Number(y.breaking) - Number(x.breaking),
  );
  const lines = changes.map(
    (change) => `- ${change.breaking ? 'BREAKING' : 'compatible'}: ${change.message}`,
  );
  if (lines.length === 0) lines.push(`- ${firstDifference(before, after, '')}`);
  return lines.join('\n');
}

function firstDifference(a: unknown, b: unknown, path: string): string {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const [x, y] = [(a as Json)[key], (b as Json)[key]];
      if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${path}/${key}`);
    }
  }
  return `the document changed at ${path || '/'}: ${JSON.stringify(a)?.slice(0, 80)} → ${JSON.stringify(b)?.slice(0, 80)}`;
}

/**
 * Throws when `current` differs from the reviewed `committed` document,
 * naming every change and how to accept them.
 */
export function assertSameContract(committed: Json, current: Json, howToAccept: string): void {
  const report = describeChanges(committed, current);
  if (report === undefined) return;
  throw new Error(
    `The contract changed and the change is not reviewed:\n${report}\nIf it is intended, ${howToAccept}.`,
  );
}
