/** Span names and attribute keys of the module's traces (documented in docs/observability.md). */
export const SpanName = {
  /** From the upgrade request to an admitted (authenticated) connection, or its refusal. */
  upgrade: (path: string) => `upgrade ${path}`,
  /** One handled message: its checks, guards, pipes and handler, until its reply or error. */
  process: (event: string) => `process ${event}`,
  /** A room send handed to the bus. */
  publish: (room: string) => `publish ${room}`,
  /** A room message handed to this node's members. */
  deliver: (room: string) => `deliver ${room}`,
} as const;

export const SpanAttribute = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  bodySize: 'messaging.message.body.size',
  clientId: 'messaging.client.id',
  userId: 'enduser.id',
  path: 'url.path',
  clientAddress: 'client.address',
  outcome: 'secure_ws.outcome',
  closeCode: 'secure_ws.close_code',
  room: 'secure_ws.room',
  localMembers: 'secure_ws.room.local_members',
  originNode: 'secure_ws.bus.origin_node',
  node: 'secure_ws.bus.node',
} as const;

/** An attribute key of the module's spans. */
type SpanAttributeKey = (typeof SpanAttribute)[keyof typeof SpanAttribute];

/**
 * Attributes of the module's spans, with their keys written out:
 * `{ 'url.path': path } satisfies SpanAttributes` (a key that is not one of
 * `SpanAttribute`'s fails to compile). Not `{ [SpanAttribute.path]: path,
 * ... }`: a literal with several computed keys gets slower for good, about
 * 0.3-0.5 µs per object, once its process has made a few full collections
 * while idle (BENCHMARKS.md, "Aged processes").
 */
export type SpanAttributes = { readonly [K in SpanAttributeKey]?: string | number };

/** `messaging.system` of every span the module makes. */
export const MESSAGING_SYSTEM = 'secure_ws';
