import { type JsonSchema } from './json-schema.js';
import { propertyKey, schemaToTypeScript } from './schema-to-typescript.js';

export interface ContractTypesOptions {
  /** The type's name. @default 'Contract', or `<Channel>Contract` per channel when there are several */
  name?: string;
  /** Only this channel (its id or address). @default every JSON channel */
  channel?: string;
}

type Json = Record<string, unknown>;

function resolveRef(document: Json, value: unknown): Json {
  let current = value as Json;
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 10; hops++) {
    const path = (current.$ref as string).replace(/^#\//, '').split('/');
    current = path.reduce<unknown>(
      (node, key) => (node as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    ) as Json;
  }
  return current ?? {};
}

interface FrameOf {
  event: string;
  data: unknown;
  dataRequired: boolean;
}

function frameOf(document: Json, message: unknown): FrameOf | undefined {
  const payload = resolveRef(document, resolveRef(document, message).payload);
  const properties = (payload.properties ?? {}) as Record<string, JsonSchema>;
  const event = properties.event?.const;
  if (typeof event !== 'string') return undefined;
  return {
    event,
    data: properties.data,
    dataRequired: ((payload.required ?? []) as string[]).includes('data'),
  };
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function channelContract(
  document: Json,
  channelId: string,
  name: string,
  refs: Set<string>,
): string | undefined {
  const requests: string[] = [];
  const pushes: string[] = [];
  const operations = Object.values((document.operations ?? {}) as Record<string, Json>);
  for (const operation of operations) {
    if ((operation.channel as Json | undefined)?.$ref !== `#/channels/${channelId}`) continue;
    const [message] = (operation.messages ?? []) as unknown[];
    const frame = frameOf(document, message);
    if (!frame || frame.event === 'error') continue;
    if (operation.action === 'send') {
      pushes.push(
        `    ${propertyKey(frame.event)}: ${schemaToTypeScript(frame.data, refs, '    ')};`,
      );
      continue;
    }
    const data = schemaToTypeScript(frame.data, refs, '      ');
    const replyMessages = ((operation.reply as Json | undefined)?.messages ?? []) as unknown[];
    const reply = replyMessages
      .map((candidate) => frameOf(document, candidate))
      .find((candidate) => candidate && candidate.event !== 'error');
    const replyType = reply ? schemaToTypeScript(reply.data, refs, '      ') : 'never';
    requests.push(
      [
        `    ${propertyKey(frame.event)}: {`,
        `      data: ${frame.dataRequired || data === 'unknown' ? data : `${data} | undefined`};`,
        `      reply: ${replyType};`,
        `      replyEvent: ${reply ? `'${reply.event}'` : 'never'};`,
        '    };',
      ].join('\n'),
    );
  }
  if (requests.length === 0 && pushes.length === 0) return undefined;
  return [
    `/** The events of channel \`${channelId}\`: for \`WsClient<${name}>\`. */`,
    `export type ${name} = {`,
    '  requests: {',
    ...requests,
    '  };',
    '  pushes: {',
    ...pushes,
    '  };',
    '};',
  ].join('\n');
}

/**
 * The TypeScript contract of an AsyncAPI document made by this module: per
 * JSON channel, `requests` (event → `data`, `reply`, `replyEvent`) and
 * `pushes` (event → data), plus a type per schema they use. `WsClient<C>`
 * checks event names, payloads and replies against it.
 */
export function contractTypes(document: Json, options: ContractTypesOptions = {}): string {
  const channels = Object.entries((document.channels ?? {}) as Record<string, Json>).filter(
    ([id, channel]) =>
      options.channel === undefined ||
      options.channel === id ||
      options.channel === channel.address,
  );
  if (channels.length === 0) throw new Error(`No channel "${options.channel}" in the document.`);
  const refs = new Set<string>();
  const named = (id: string, count: number) =>
    count === 1 ? (options.name ?? 'Contract') : `${pascal(id)}Contract`;
  // A first pass finds the channels with events (text channels have none).
  const withEvents = channels.filter(
    ([id]) => channelContract(document, id, 'Probe', new Set()) !== undefined,
  );
  const contracts = withEvents.map(
    ([id]) => channelContract(document, id, named(id, withEvents.length), refs) as string,
  );
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<
    string,
    unknown
  >;
  const declared = new Set<string>();
  const declarations: string[] = [];
  for (
    let pending = [...refs];
    pending.length > 0;
    pending = [...refs].filter((ref) => !declared.has(ref))
  ) {
    for (const ref of pending) {
      declared.add(ref);
      const schema = schemas[ref] as JsonSchema | undefined;
      const description =
        typeof schema?.description === 'string'
          ? `/** ${schema.description.replace(/\*\//g, '* /')} */\n`
          : '';
      declarations.push(`${description}export type ${ref} = ${schemaToTypeScript(schema, refs)};`);
    }
  }
  const info = (document.info ?? {}) as Json;
  return [
    `// The contract of ${String(info.title)} ${String(info.version)}, generated from its AsyncAPI document`,
    '// by `nestjs-secure-ws types`. Do not edit: generate it again.',
    '',
    contracts.join('\n\n'),
    '',
    declarations.sort().join('\n\n'),
    '',
  ].join('\n');
}
