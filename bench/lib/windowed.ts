import { benchToken } from '../servers/session.js';
import { closeAll, openMany } from './client.js';
import { type LoadOptions, WindowedLoad } from './load.js';
import type { InterleavedSpec } from './scenario.js';

/** Interleaved windowed request/response load (echo, pipeline). */
export function windowedSpec(
  load: Omit<LoadOptions, 'window'>,
  options: { auth: boolean },
): InterleavedSpec {
  return {
    auth: options.auth,
    countLabel: 'replies',
    open: async (ctx, server) => {
      const headers = options.auth ? { Authorization: `Bearer ${benchToken()}` } : undefined;
      const sockets = await openMany(server.url, ctx.config.connections, { headers });
      return {
        driver: new WindowedLoad(sockets, { ...load, window: ctx.config.window }),
        close: () => closeAll(sockets),
      };
    },
  };
}
