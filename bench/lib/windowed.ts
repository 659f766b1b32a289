import { benchToken } from '../servers/session.js';
import { closeAll, openMany } from './client.js';
import { dialectOf } from './dialect.js';
import { WindowedLoad } from './load.js';
import type { InterleavedSpec } from './scenario.js';

/** A request of the module's own envelope: its frame and the event its reply carries. */
export interface EnvelopeRequest {
  frame: (seq: number) => string;
  replyEvent: string;
}

/** Interleaved windowed request/response load (echo, pipeline). */
export function windowedSpec(
  request: 'echo' | 'profile' | EnvelopeRequest,
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
        frame:
          typeof request === 'object'
            ? request.frame
            : request === 'echo'
              ? dialect.echoFrame
              : dialect.profileFrame,
        replyOk:
          typeof request === 'object'
            ? envelopeReplyCheck(request.replyEvent)
            : dialect.replyCheck(request),
        isControl: dialect.isControl,
      });
      return { driver: load, close: () => closeAll(sockets) };
    },
  };
}

/** True for a reply carrying `event` (the id is checked by the load's window). */
function envelopeReplyCheck(event: string): (data: Buffer) => boolean {
  const mark = Buffer.from(`"event":"${event}"`);
  return (data) => data.indexOf(mark) !== -1;
}
