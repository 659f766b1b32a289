import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { connectionOf } from '../connection/connection.js';
import { type WsSession } from '../connection/session.js';

/**
 * The session of the message's connection in a handler: `@WsUser()` for the
 * whole `WsSession`, `@WsUser('userId')` for one of its fields.
 */
export const WsUser = createParamDecorator(
  (field: keyof WsSession | undefined, context: ExecutionContext) => {
    const session = connectionOf(context.switchToWs().getClient())?.session;
    return field ? session?.[field] : session;
  },
);
