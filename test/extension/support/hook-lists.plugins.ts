import { Injectable } from '@nestjs/common';
import {
  type InboundFrame,
  type SecureWsPlugin,
  type WsConnection,
  type WsFrameHandler,
} from '../../../src/index.js';

/** Only `afterMessage`: every handled frame's event and outcome. */
export class OutcomeLog implements SecureWsPlugin {
  readonly outcomes: string[] = [];

  afterMessage(_connection: WsConnection, event: string, outcome: string): void {
    this.outcomes.push(`${event}:${outcome}`);
  }
}

/**
 * Hooks that appear later: `aroundMessage` and `afterMessage` are getters
 * that return undefined until `on` is set, as the tracing plugin's
 * `aroundMessage` does until an SDK registers.
 */
export class SwitchedOnLater implements SecureWsPlugin {
  on = false;
  readonly seen: string[] = [];

  get aroundMessage(): SecureWsPlugin['aroundMessage'] {
    return this.on ? this.wrap : undefined;
  }

  get afterMessage(): SecureWsPlugin['afterMessage'] {
    return this.on ? this.after : undefined;
  }

  private readonly wrap = (_connection: WsConnection, frame: InboundFrame, handle: () => void) => {
    this.seen.push(`around:${frame.event}`);
    handle();
  };

  private readonly after = (_connection: WsConnection, event: string, outcome: string) => {
    this.seen.push(`after:${event}:${outcome}`);
  };
}

/**
 * A class created with injection through the `plugins` option, every
 * per-message hook a method that reads its own state (`this` must be the
 * plugin): the order of the hooks of each frame.
 */
@Injectable()
export class EveryMessageHook implements SecureWsPlugin {
  readonly seen: string[] = [];
  private readonly tag = 'p';

  aroundMessage(_connection: WsConnection, frame: InboundFrame, handle: () => void): void {
    this.seen.push(`${this.tag}:around:${frame.event}`);
    handle();
  }

  beforeMessage(_connection: WsConnection, frame: InboundFrame): undefined {
    this.seen.push(`${this.tag}:before:${frame.event}`);
    return undefined;
  }

  wrapHandler(
    _connection: WsConnection,
    frame: InboundFrame,
    handler: WsFrameHandler,
  ): WsFrameHandler {
    this.seen.push(`${this.tag}:wrap:${frame.event}`);
    return handler;
  }

  afterMessage(_connection: WsConnection, event: string, outcome: string): void {
    this.seen.push(`${this.tag}:after:${event}:${outcome}`);
  }

  onRefusedFrame(): undefined {
    this.seen.push(`${this.tag}:refused`);
    return undefined;
  }

  onErrorFrame(_connection: WsConnection, code: string): void {
    this.seen.push(`${this.tag}:error:${code}`);
  }
}
