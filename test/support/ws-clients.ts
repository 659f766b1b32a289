import { WebSocket } from 'ws';
import {
  WsClient,
  type WsClientError,
  type WsClientOptions,
  type WsClientState,
} from '../../src/client/index.js';

/** Resolves with the close that moved the client into `state` (no code when none did). */
export function reaches(
  client: WsClient,
  state: WsClientState,
): Promise<{ code?: number; reason?: string }> {
  return new Promise((resolve) => {
    const off = client.onStateChange((next, close) => {
      if (next === state) {
        off();
        resolve({ code: close?.code, reason: close?.reason });
      }
    });
  });
}

/** The error `promise` rejects with; fails when it fulfils. */
export function rejection(promise: Promise<unknown>): Promise<WsClientError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: WsClientError) => error,
  );
}

export interface WsClients {
  /** A `WsClient` on `ws`, to `url()` with quick reconnects unless `options` say otherwise. */
  make(options?: Partial<WsClientOptions>): WsClient;
  /** Closes every client made so far. */
  closeAll(): void;
}

/** Makes the `WsClient`s of a test and closes them after it. */
export function wsClients(url: () => string): WsClients {
  const made: WsClient[] = [];
  return {
    make(options = {}) {
      const client = new WsClient({
        url: url(),
        WebSocket,
        reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
        ...options,
      });
      made.push(client);
      return client;
    },
    closeAll() {
      for (const client of made.splice(0)) client.close();
    },
  };
}
