import { AsyncLocalStorage } from 'node:async_hooks';
import { type RawData } from 'ws';
import { type InboundFrame } from '../frames/frame.js';
import { currentMessage, MessageContext, runInMessageContext } from '../logging/message-context.js';
import { type SecureWsPlugin } from './plugin.interface.js';
import { type WsConnection } from './ws-connection.interface.js';

function aroundFrom(
  around: readonly SecureWsPlugin[],
  index: number,
  connection: WsConnection,
  frame: InboundFrame,
  handle: () => void,
): void {
  for (let i = index; i < around.length; i += 1) {
    const plugin = around[i] as SecureWsPlugin;
    const hook = plugin.aroundMessage;
    if (hook) {
      hook.call(plugin, connection, frame, () =>
        aroundFrom(around, i + 1, connection, frame, handle),
      );
      return;
    }
  }
  handle();
}

/** The index of the first plugin whose `aroundMessage` is there now, or `around.length`. */
function nextAround(around: readonly SecureWsPlugin[]): number {
  let i = 0;
  while (i < around.length && !(around[i] as SecureWsPlugin).aroundMessage) i += 1;
  return i;
}

/**
 * Handles one message inside its context (`currentMessage()`): log lines
 * written meanwhile carry its ids, and each plugin's `aroundMessage` wraps
 * what comes after it. `around` holds the plugins that may have the hook
 * (connection/plugin-hooks.ts); one whose `aroundMessage` is undefined for
 * now is skipped, and with none, `handle` runs straight in the context (no
 * closure, no wrapping).
 */
export function handleInMessageScope(
  around: readonly SecureWsPlugin[],
  connection: WsConnection,
  frame: InboundFrame,
  raw: RawData | undefined,
  handle: () => void,
): void {
  const context = new MessageContext(connection, frame, raw);
  const first = nextAround(around);
  if (first === around.length) runInMessageContext(context, handle);
  else {
    context.wrapped = true;
    runInMessageContext(context, () => aroundFrom(around, first, connection, frame, handle));
  }
}

/**
 * `handler`, to be called later from elsewhere (a frame held behind the one
 * before it starts from that one's settle), inside the current message's
 * context. With no `aroundMessage` wrapping the message, its context is its
 * log context alone, entered again at the call (one `run`); else every store
 * is captured with `AsyncLocalStorage.snapshot()`, which costs microseconds
 * per call (an `AsyncResource`).
 */
export function laterInThisMessage<A extends unknown[], R>(
  handler: (...args: A) => R,
): (...args: A) => R {
  const context = currentMessage();
  if (context === undefined || context.wrapped) {
    const snapshot = AsyncLocalStorage.snapshot();
    return (...args) => snapshot(handler, ...args);
  }
  return (...args) => runInMessageContext(context, () => handler(...args));
}
