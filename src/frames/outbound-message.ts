import { type OutboundMessage } from './frame.js';

/** Whether a handler's return value is a `{ event, data }` message rather than bare data. */
export function isOutboundMessage(value: unknown): value is OutboundMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as OutboundMessage).event === 'string' &&
    'data' in value
  );
}
