import { AsyncLocalStorage } from 'node:async_hooks';
import { type RawData } from 'ws';
import { type InboundFrame } from '../frames/frame.js';
import { traceIdOf } from '../frames/traceparent.js';

/**
 * What a message's context knows of its connection (a `WsConnection`), kept
 * this small so that logging does not depend on the connection folder.
 */
export interface MessageConnection {
  readonly id: string;
  readonly session: { readonly userId: string } | undefined;
}

/** Told of each step of a message's handling (the tracing plugin turns them into span events). */
export type MessageStepObserver = (step: string, outcome: string) => void;

/**
 * The message being handled: what its log lines carry and what its span is
 * about. One is made per message and lives as long as its handling.
 */
export class MessageContext {
  /** The W3C trace id of the message's trace, once known (its span, or the frame's `traceparent`). */
  traceId: string | undefined;
  /** Set by whoever wants to hear of the steps (one observer). */
  observer: MessageStepObserver | undefined;
  /**
   * Whether plugins' `aroundMessage` wrap the handling: then other stores
   * than this one (a span's context) belong to the message as well.
   */
  wrapped = false;

  constructor(
    readonly connection: MessageConnection,
    readonly frame: InboundFrame,
    private readonly raw: RawData | undefined,
  ) {
    this.traceId = frame.traceparent === undefined ? undefined : traceIdOf(frame.traceparent);
  }

  /** The frame's size in bytes, as received. */
  get size(): number | undefined {
    const raw = this.raw;
    if (raw === undefined) return undefined;
    if (Array.isArray(raw)) return raw.reduce((sum, part) => sum + part.length, 0);
    return raw.byteLength;
  }

  /**
   * Reports a step of the handling: `step('guard', 'ok')`,
   * `step('validation', 'VALIDATION_FAILED')`. The module's guard and pipe
   * report theirs; yours may too (`currentMessage()?.step(...)`).
   */
  step(step: string, outcome: string): void {
    this.observer?.(step, outcome);
  }
}

/**
 * Shared by every app of the process on purpose, as nestjs-pino's own
 * request store is: log lines find the message they belong to here, whatever
 * logger wrote them.
 */
const messageStorage = new AsyncLocalStorage<MessageContext>();

/** Runs `handle` (and everything it starts, sync or async) inside the message's context. */
export function runInMessageContext<R>(context: MessageContext, handle: () => R): R {
  return messageStorage.run(context, handle);
}

/** The message being handled, inside a handler, guard, pipe, plugin hook or anything they started. */
export function currentMessage(): MessageContext | undefined {
  return messageStorage.getStore();
}
