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

/** `messaging.system` of every span the module makes. */
export const MESSAGING_SYSTEM = 'secure_ws';
