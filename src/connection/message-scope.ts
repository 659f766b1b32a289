import { type RawData } from 'ws';
import { type InboundFrame } from '../frames/frame.js';
import { MessageContext, runInMessageContext } from '../logging/message-context.js';
import { type SecureWsPlugin } from './plugin.interface.js';
import { type WsConnection } from './ws-connection.interface.js';

function aroundFrom(
  plugins: readonly SecureWsPlugin[],
  index: number,
  connection: WsConnection,
  frame: InboundFrame,
  handle: () => void,
): void {
  for (let i = index; i < plugins.length; i += 1) {
    const plugin = plugins[i] as SecureWsPlugin;
    if (plugin.aroundMessage) {
      plugin.aroundMessage(connection, frame, () =>
        aroundFrom(plugins, i + 1, connection, frame, handle),
      );
      return;
    }
  }
  handle();
}

/**
 * Handles one message inside its context (`currentMessage()`): log lines
 * written meanwhile carry its ids, and each plugin's `aroundMessage` wraps
 * what comes after it.
 */
export function handleInMessageScope(
  plugins: readonly SecureWsPlugin[],
  connection: WsConnection,
  frame: InboundFrame,
  raw: RawData | undefined,
  handle: () => void,
): void {
  runInMessageContext(new MessageContext(connection, frame, raw), () =>
    aroundFrom(plugins, 0, connection, frame, handle),
  );
}
