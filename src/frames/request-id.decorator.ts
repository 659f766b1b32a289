import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type InboundFrame } from './frame.js';

function isInboundFrame(value: unknown): value is InboundFrame {
  return typeof (value as InboundFrame | null)?.event === 'string';
}

/**
 * The `id` of the frame being handled, `undefined` when the client sent
 * none: lets a handler answer only clients that asked for an answer.
 */
export const WsRequestId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | number | undefined => {
    // The adapter calls each handler with (data, frame); Nest puts the client first.
    const frame: unknown = context.getArgByIndex(2);
    return isInboundFrame(frame) ? frame.id : undefined;
  },
);
