import { benchToken } from '../servers/session.js';
import { closeAll, openMany } from './client.js';
import { dialectOf } from './dialect.js';
import { WindowedLoad } from './load.js';
import type { InterleavedSpec } from './scenario.js';

/** Interleaved windowed request/response load (echo, pipeline). */
export function windowedSpec(
  request: 'echo' | 'profile',
  options: { auth: boolean },
): InterleavedSpec {
  return {
    auth: options.auth,
    countLabel: 'replies',
    open: async (ctx, server) => {
      const dialect = dialectOf(server.kind);
      const token = options.auth ? benchToken() : undefined;
      const sockets = await openMany(server, ctx.config.connections, { token });
      const load = new WindowedLoad(sockets, {
        window: ctx.config.window,
        frame: request === 'echo' ? dialect.echoFrame : dialect.profileFrame,
        replyOk: dialect.replyCheck(request),
        isControl: dialect.isControl,
      });
      return { driver: load, close: () => closeAll(sockets) };
    },
  };
}
