/** A client frame that passed the envelope checks. */
export interface InboundFrame {
  readonly event: string;
  readonly data: unknown;
  readonly id: string | number | undefined;
  /** A valid W3C trace context the client sent, else `undefined` (see `validTraceparent`). */
  readonly traceparent?: string;
  /** Makes the request idempotent (1 to 64 characters; see Delivery). */
  readonly idempotencyKey?: string;
}

/** Pushed by the server, or returned by a handler to choose the reply event. */
export interface OutboundMessage<T = unknown> {
  event: string;
  data: T;
}

/** The `data` of an error frame, as the contract writes it. */
export interface ErrorFrameData {
  code: string;
  message: string;
  event?: string;
  details?: unknown;
  retryAfterMs?: number;
}
