import { type Logger, pino } from 'pino';
import { currentMessage } from './message-context.js';

type Mixin = (mergeObject: object, level: number, logger: Logger) => object;
type LoggerSlots = Record<symbol, unknown>;

const INSTALLED = Symbol.for('secure-ws.message-log-fields');

/**
 * A pino `mixin`: inside the handling of a message, every line gets
 * `connId`, `userId`, `event`, `requestId` and `traceId`. A field the
 * logger already binds (a connection's child logger binds `connId` and
 * `userId`) is not written twice. Outside a message it adds nothing.
 */
export function messageLogFields(_mergeObject: object, _level: number, logger: Logger): object {
  const message = currentMessage();
  if (!message) return {};
  const bound = ((logger as unknown as LoggerSlots)[pino.symbols.chindingsSym] as string) ?? '';
  const fields: Record<string, unknown> = {};
  if (!bound.includes('"connId":')) fields.connId = message.connection.id;
  if (!bound.includes('"userId":')) fields.userId = message.connection.session?.userId;
  fields.event = message.frame.event;
  fields.requestId = message.frame.id;
  fields.traceId = message.traceId;
  return fields;
}

/**
 * Adds `messageLogFields` to a pino logger already made (the app's root
 * logger), keeping a mixin it had; children made from it, before or after,
 * inherit it. Once per logger.
 */
export function installMessageLogFields(logger: Logger): void {
  const slots = logger as unknown as LoggerSlots;
  if (slots[INSTALLED]) return;
  slots[INSTALLED] = true;
  const previous = slots[pino.symbols.mixinSym] as Mixin | undefined;
  slots[pino.symbols.mixinSym] = previous
    ? (mergeObject: object, level: number, self: Logger) => ({
        ...previous(mergeObject, level, self),
        ...messageLogFields(mergeObject, level, self),
      })
    : messageLogFields;
}
