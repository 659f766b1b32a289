import { type Type } from '@nestjs/common';
import { type StandardSchemaV1 } from '@standard-schema/spec';
import { type TokenSourceOptions } from '../auth/auth-options.interface.js';
import { type EventDocOptions } from './contract.decorators.js';
import { contractDescription } from './contract-description.js';
import { ENVELOPE_SCHEMAS, pushFrame, ref, replyFrame, requestFrame } from './envelope.schemas.js';
import { closeCodeDocs, errorCodeDocs } from './error-code-docs.js';
import { type GatewayContract, type HandlerContract } from './gateway-contract.js';
import {
  DtoSchemas,
  isStandardSchema,
  type JsonSchema,
  type StandardSchemaToJson,
  standardSchemaToJson,
} from './json-schema.js';
import {
  AUTH_EVENT,
  errorDataSchema,
  type ModuleEvent,
  SESSION_EXPIRING_EVENT,
  SESSION_RESUME_EVENT,
} from './module-events.js';
import { securitySchemes } from './security-schemes.js';

export type AsyncApiDocument = JsonSchema & { asyncapi: '3.0.0' };

export interface AsyncApiInput {
  gateways: GatewayContract[];
  info: { title: string; version: string; description?: string };
  server: { host: string; protocol: 'ws' | 'wss' };
  /** The module's authentication, `undefined` when it is off. */
  auth: { sources: TokenSourceOptions; firstMessage: boolean } | undefined;
  toJsonSchema?: StandardSchemaToJson;
}

const TEXT = 'text/plain';
const CORRELATION = { location: '$message.payload#/id' };
const ERROR_MESSAGE = 'error';

/** `/ws` → `ws`, `/seed/echo` → `seed-echo`, `/` → `root`: ids and JSON pointers need no escaping. */
function channelIdOf(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'root';
}

function docFields(doc: EventDocOptions | undefined): JsonSchema {
  return {
    ...(doc?.summary ? { summary: doc.summary } : {}),
    ...(doc?.description ? { description: doc.description } : {}),
  };
}

/** The gateways sharing one path, as one channel. */
interface Endpoint {
  id: string;
  path: string;
  format: 'json' | 'text';
  auth: boolean;
  gateways: GatewayContract[];
}

function endpointsOf(gateways: GatewayContract[]): Endpoint[] {
  const byPath = new Map<string, Endpoint>();
  for (const gateway of [...gateways].sort((a, b) => a.path.localeCompare(b.path))) {
    const endpoint = byPath.get(gateway.path);
    if (endpoint) endpoint.gateways.push(gateway);
    else {
      byPath.set(gateway.path, {
        id: channelIdOf(gateway.path),
        path: gateway.path,
        format: gateway.format,
        auth: gateway.auth,
        gateways: [gateway],
      });
    }
  }
  return [...byPath.values()];
}

/**
 * Builds the AsyncAPI 3.0 document of the registered gateways: one channel
 * per path, an operation per event (with its reply), per push and per
 * module event, the error frame with its code table, the security schemes.
 */
export function buildAsyncApiDocument(input: AsyncApiInput): AsyncApiDocument {
  const dtos = new DtoSchemas();
  const codes = errorCodeDocs();
  const schemaOf = (schema: Type | StandardSchemaV1): JsonSchema =>
    isStandardSchema(schema)
      ? standardSchemaToJson(schema, input.toJsonSchema)
      : dtos.refTo(schema as Type);
  const security = input.auth ? securitySchemes(input.auth) : undefined;
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};

  for (const endpoint of endpointsOf(input.gateways)) {
    const messages: Record<string, JsonSchema> = {};
    const channelRef = { $ref: `#/channels/${endpoint.id}` };
    const messageRef = (id: string) => ({ $ref: `#/channels/${endpoint.id}/messages/${id}` });
    const secured = endpoint.auth && security ? { security: security.operationSecurity } : {};
    const addOperation = (id: string, operation: JsonSchema) => {
      operations[`${endpoint.id}.${id}`] = { channel: channelRef, ...operation };
    };

    if (endpoint.format === 'text') {
      messages.text = {
        name: 'text',
        title: 'A text frame',
        contentType: TEXT,
        payload: { type: 'string' },
      };
      addOperation('text', {
        action: 'receive',
        summary: 'Plain text frames, answered with plain text frames.',
        messages: [messageRef('text')],
        reply: { channel: channelRef, messages: [messageRef('text')] },
        ...secured,
      });
      channels[endpoint.id] = {
        address: endpoint.path,
        title: endpoint.gateways.map((gateway) => gateway.name).join(', '),
        description: `Plain text (${endpoint.auth ? 'authenticated' : 'no authentication by the module'}).`,
        messages,
      };
      continue;
    }

    messages[ERROR_MESSAGE] = { $ref: '#/components/messages/error' };
    const addRequest = (
      event: string,
      request: JsonSchema | undefined,
      reply: { event: string; data: JsonSchema } | undefined,
      fields: JsonSchema,
      examples?: unknown[],
    ) => {
      const requestId = `${event}.request`;
      messages[requestId] = {
        name: event,
        title: event,
        ...fields,
        correlationId: CORRELATION,
        payload: requestFrame(event, request),
        ...(examples?.length
          ? { examples: examples.map((data) => ({ payload: { event, data } })) }
          : {}),
      };
      const replies = [messageRef(ERROR_MESSAGE)];
      if (reply) {
        messages[`${event}.reply`] = {
          name: reply.event,
          title: `${reply.event} (reply to ${event})`,
          correlationId: CORRELATION,
          payload: replyFrame(reply.event, reply.data),
        };
        replies.unshift(messageRef(`${event}.reply`));
      }
      addOperation(event, {
        action: 'receive',
        ...fields,
        messages: [messageRef(requestId)],
        reply: { channel: channelRef, messages: replies },
        ...secured,
      });
    };
    const addPush = (event: string, data: JsonSchema, history: boolean, fields: JsonSchema) => {
      messages[`${event}.push`] = {
        name: event,
        title: event,
        ...fields,
        payload: pushFrame(event, data, history),
      };
      addOperation(`${event}.push`, {
        action: 'send',
        ...fields,
        messages: [messageRef(`${event}.push`)],
        ...secured,
      });
    };

    const handled = new Set<string>();
    for (const gateway of endpoint.gateways) {
      for (const handler of gateway.handlers) {
        handled.add(handler.event);
        addRequest(
          handler.event,
          requestSchemaOf(handler, schemaOf),
          replyOfHandler(handler, schemaOf),
          docFields(handler.doc ?? (handler.reply ? handler.reply.doc : undefined)),
          handler.doc?.examples,
        );
      }
    }
    const moduleEvents: ModuleEvent[] =
      endpoint.auth && input.auth ? [AUTH_EVENT, SESSION_RESUME_EVENT, SESSION_EXPIRING_EVENT] : [];
    for (const event of moduleEvents) {
      if (handled.has(event.event)) continue;
      const fields = { summary: event.summary };
      if (event.push) addPush(event.event, event.push, false, fields);
      else
        addRequest(
          event.event,
          event.request,
          { event: event.event, data: event.reply ?? {} },
          fields,
        );
    }
    for (const gateway of endpoint.gateways) {
      for (const push of gateway.pushes) {
        addPush(
          push.event,
          schemaOf(push.schema),
          push.options.history === true,
          docFields(push.options),
        );
      }
    }
    addOperation('error', {
      action: 'send',
      summary:
        'Error frames: the answer to a request (with its `id`), or a notice before the server closes.',
      messages: [messageRef(ERROR_MESSAGE)],
      ...secured,
    });
    channels[endpoint.id] = {
      address: endpoint.path,
      title: endpoint.gateways.map((gateway) => gateway.name).join(', '),
      description: `JSON frames \`{ event, data, id }\`${endpoint.auth && input.auth ? ', authenticated' : ''}.`,
      messages,
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: input.info.title,
      version: input.info.version,
      description: contractDescription(input.info.description, codes, closeCodeDocs()),
    },
    defaultContentType: 'application/json',
    servers: {
      default: {
        host: input.server.host,
        protocol: input.server.protocol,
        description: 'The WebSocket server; each channel is a path on it.',
      },
    },
    channels,
    operations,
    components: {
      schemas: {
        ...ENVELOPE_SCHEMAS,
        ...sortedKeys(dtos.components),
        ErrorData: errorDataSchema(codes),
      },
      messages: {
        error: {
          name: 'error',
          title: 'Error frame',
          summary: 'The request failed, or the server is about to close the connection.',
          correlationId: CORRELATION,
          payload: {
            type: 'object',
            required: ['event', 'data'],
            properties: {
              event: { type: 'string', const: 'error' },
              data: ref('ErrorData'),
              id: ref('RequestId'),
            },
          },
        },
      },
      ...(security ? { securitySchemes: security.schemes } : {}),
    },
    'x-error-codes': codes,
    'x-close-codes': closeCodeDocs(),
  };
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function requestSchemaOf(
  handler: HandlerContract,
  schemaOf: (schema: Type | StandardSchemaV1) => JsonSchema,
): JsonSchema | undefined {
  if (!handler.request) return undefined;
  const schema = schemaOf(handler.request);
  return handler.property === undefined
    ? schema
    : { type: 'object', required: [handler.property], properties: { [handler.property]: schema } };
}

function replyOfHandler(
  handler: HandlerContract,
  schemaOf: (schema: Type | StandardSchemaV1) => JsonSchema,
): { event: string; data: JsonSchema } | undefined {
  if (handler.reply === false) return undefined;
  if (handler.reply === undefined) {
    return {
      event: handler.event,
      data: { description: 'Not declared: add @Reply(...) to the handler.' },
    };
  }
  return { event: handler.reply.event ?? handler.event, data: schemaOf(handler.reply.schema) };
}
