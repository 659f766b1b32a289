import type { Span } from '@opentelemetry/api';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { type InboundFrame } from '../frames/frame.js';
import { currentMessage, type MessageContext } from '../logging/message-context.js';
import { MESSAGING_SYSTEM, SpanAttribute, type SpanAttributes, SpanName } from './span-names.js';
import { type WsTracing } from './ws-tracing.js';

interface MessageSpan {
  readonly span: Span;
  /** The first error code sent for this message, if any. */
  code: string | undefined;
  ended: boolean;
}

/**
 * One `process <event>` span per handled message, continuing the trace of
 * the frame's `traceparent` when it has one; the steps (guard, validation)
 * and error frames are its events; it ends with the outcome.
 */
export class MessageSpans {
  private readonly spans = new WeakMap<MessageContext, MessageSpan>();
  /** No span was ever started (no SDK so far): `after` and `errorFrame` have nothing to look up. */
  private none = true;

  constructor(private readonly tracing: WsTracing) {}

  around(connection: WsConnection, frame: InboundFrame, handle: () => void): void {
    const message = currentMessage();
    const parent =
      frame.traceparent === undefined ? undefined : this.tracing.remoteContext(frame.traceparent);
    const span = message && this.tracing.start(SpanName.process(frame.event), 'SERVER', parent);
    if (!message || !span) {
      handle();
      return;
    }
    span.setAttributes({
      'messaging.system': MESSAGING_SYSTEM,
      'messaging.operation.type': 'process',
      'messaging.destination.name': frame.event,
      'messaging.client.id': connection.id,
      'url.path': connection.server.path,
    } satisfies SpanAttributes);
    if (frame.id !== undefined) span.setAttribute(SpanAttribute.messageId, String(frame.id));
    const size = message.size;
    if (size !== undefined) span.setAttribute(SpanAttribute.bodySize, size);
    const userId = connection.session?.userId;
    if (userId !== undefined) span.setAttribute(SpanAttribute.userId, userId);
    const state: MessageSpan = { span, code: undefined, ended: false };
    this.none = false;
    this.spans.set(message, state);
    message.traceId = span.spanContext().traceId;
    message.observer = (step, outcome) =>
      span.addEvent(step, { 'secure_ws.outcome': outcome } satisfies SpanAttributes);
    this.tracing.withSpan(span, handle);
    // Refused before its handler (unknown event, rate limit): no afterMessage will come.
    if (state.code !== undefined && !state.ended) this.finish(state, state.code);
  }

  /** The handler finished (`ok` or the error code). */
  after(connection: WsConnection, outcome: string): void {
    const state = this.stateOf(connection);
    if (state && !state.ended) this.finish(state, outcome);
  }

  /** An error frame went to this connection; within its message's handling, it is an event of its span. */
  errorFrame(connection: WsConnection, code: string): void {
    const state = this.stateOf(connection);
    if (!state || state.ended) return;
    state.code ??= code;
    state.span.addEvent('error frame', { 'secure_ws.outcome': code } satisfies SpanAttributes);
  }

  private stateOf(connection: WsConnection): MessageSpan | undefined {
    if (this.none) return undefined;
    const message = currentMessage();
    // A push to another connection can fail while this message is handled: not this span's business.
    if (!message || message.connection !== connection) return undefined;
    return this.spans.get(message);
  }

  private finish(state: MessageSpan, outcome: string): void {
    state.ended = true;
    this.tracing.end(
      state.span,
      { 'secure_ws.outcome': outcome } satisfies SpanAttributes,
      outcome === WsErrorCode.INTERNAL,
    );
  }
}
