import { AsyncLocalStorage } from 'node:async_hooks';
import { type Connection } from '../connection/connection.js';
import { type InboundFrame } from '../frames/frame.js';

/**
 * The message being handled: what its log lines carry and what its span is
 * about. One is made per message and lives as long as its handling.
 */
export class MessageContext {
  /** The W3C trace id of the message's trace, once known (tracing, or the frame's `traceparent`). */
  traceId: string | undefined;

  constructor(
    readonly connection: Connection,
    readonly frame: InboundFrame,
  ) {}
}

/**
 * Shared by every app of the process on purpose, as nestjs-pino's own
 * request store is: log lines find the message they belong to here, whatever
 * logger wrote them.
 */
const messageStorage = new AsyncLocalStorage<MessageContext>();

/** Runs `handle` (and everything it starts, sync or async) inside the message's context. */
export function runInMessageContext(
  connection: Connection,
  frame: InboundFrame,
  handle: () => void,
): void {
  messageStorage.run(new MessageContext(connection, frame), handle);
}

/** The message being handled, inside a handler, guard, pipe, plugin hook or anything they started. */
export function currentMessage(): MessageContext | undefined {
  return messageStorage.getStore();
}
