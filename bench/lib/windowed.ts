import { closeAll, openMany } from './client.js';
import { type LoadOptions, WindowedLoad } from './load.js';
import type { InterleavedSpec } from './scenario.js';

/** Interleaved windowed request/response load (echo, pipeline). */
export function windowedSpec(load: Omit<LoadOptions, 'window'>): InterleavedSpec {
  return {
    auth: false,
    countLabel: 'replies',
    open: async (ctx, server) => {
      const sockets = await openMany(server.url, ctx.config.connections);
      return {
        driver: new WindowedLoad(sockets, { ...load, window: ctx.config.window }),
        close: () => closeAll(sockets),
      };
    },
  };
}
