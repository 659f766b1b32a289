import { Injectable } from '@nestjs/common';
import {
  SecureWsException,
  type SecureWsPlugin,
  type WsGatewayInfo,
  type WsPluginEvents,
} from '../../../src/index.js';

/** The app's own clock, injected into the plugin (a fixed one, for exact assertions). */
@Injectable()
export class Clock {
  now(): number {
    return 1_700_000_000_000;
  }
}

/**
 * The events example of docs/extending.md: a plugin that answers
 * `server.time` on every JSON gateway, and `whoami.plugin` with the
 * connection's session, without a gateway handler of its own.
 */
@Injectable()
export class ServerTimePlugin implements SecureWsPlugin {
  /** The gateways it was asked about, in order: once per gateway. */
  readonly askedFor: string[] = [];

  constructor(private readonly clock: Clock) {}

  events(gateway: WsGatewayInfo): WsPluginEvents {
    this.askedFor.push(gateway.path);
    return {
      'server.time': () => ({ event: 'server.time', data: { now: this.clock.now() } }),
      'whoami.plugin': (connection) => ({
        userId: connection.session?.userId ?? null,
        path: connection.server.path,
      }),
      echo: () => 'the plugin answered',
      'plugin.fail': () => {
        throw new SecureWsException('FORBIDDEN', 'Not for you');
      },
    };
  }
}
