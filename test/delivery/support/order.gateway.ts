import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Observable } from 'rxjs';
import { Concurrent } from '../../../src/connection/concurrent.decorator.js';
import {
  type SecureWsPlugin,
  type WsGatewayInfo,
  type WsPluginEvents,
} from '../../../src/connection/plugin.interface.js';

/** What the order gateway's handlers did, in the order they did it (one per app). */
@Injectable()
export class OrderProbe {
  readonly log: string[] = [];
  running = 0;
  maxRunning = 0;
  started = 0;
  private gate: Promise<void> = new Promise(() => {});
  private openGate: () => void = () => {};

  constructor() {
    this.closeGate();
  }

  /** Held handlers wait until `release()`. */
  closeGate(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate();
  }

  async around<T>(name: string, body: () => Promise<T>): Promise<T> {
    this.log.push(`start ${name}`);
    this.started += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await body();
    } finally {
      this.running -= 1;
      this.log.push(`end ${name}`);
    }
  }

  held(): Promise<void> {
    return this.gate;
  }
}

interface Timed {
  ms: number;
  tag?: string;
}

/** Slow, fast, streaming, failing and concurrent handlers to test dispatch order with. */
@WebSocketGateway({ path: '/order' })
export class OrderGateway {
  constructor(private readonly probe: OrderProbe) {}

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    this.probe.log.push(`echo ${JSON.stringify(data)}`);
    return data;
  }

  @SubscribeMessage('work')
  work(@MessageBody() { ms, tag }: Timed) {
    return this.probe.around(`work ${tag ?? ms}`, async () => {
      await sleep(ms);
      return { event: 'work.done', data: { ms } };
    });
  }

  @SubscribeMessage('fail')
  fail(@MessageBody() { ms }: Timed) {
    return this.probe.around('fail', async () => {
      await sleep(ms);
      throw new Error('secret detail');
    });
  }

  @SubscribeMessage('stream')
  stream(@MessageBody() { ms }: Timed) {
    this.probe.log.push('start stream');
    return new Observable<number>((subscriber) => {
      subscriber.next(1);
      const timer = setTimeout(() => {
        subscriber.next(2);
        this.probe.log.push('end stream');
        subscriber.complete();
      }, ms);
      return () => clearTimeout(timer);
    });
  }

  @Concurrent()
  @SubscribeMessage('parallel')
  parallel(@MessageBody() { ms, tag }: Timed) {
    return this.probe.around(`parallel ${tag ?? ms}`, async () => {
      await sleep(ms);
      return { event: 'parallel.done', data: { tag } };
    });
  }

  @Concurrent()
  @SubscribeMessage('held')
  heldUntilReleased() {
    return this.probe.around('held', async () => {
      await this.probe.held();
      return { event: 'held.done', data: null };
    });
  }
}

/** The same event name on another path, not marked: ordered there. */
@WebSocketGateway({ path: '/order-other' })
export class OtherPathGateway {
  constructor(private readonly probe: OrderProbe) {}

  @SubscribeMessage('parallel')
  parallel(@MessageBody() { ms, tag }: Timed) {
    return this.probe.around(`parallel ${tag ?? ms}`, async () => {
      await sleep(ms);
      return { event: 'parallel.done', data: { tag } };
    });
  }
}

/** `now` on `/order`: a plugin event, as the module's `auth` refresh is one, never queued. */
@Injectable()
export class NowEvent implements SecureWsPlugin {
  constructor(private readonly probe: OrderProbe) {}

  events(gateway: WsGatewayInfo): WsPluginEvents | undefined {
    if (gateway.path !== '/order') return undefined;
    return {
      now: async (_connection, data) => {
        this.probe.log.push('now');
        if (data === 'held') await this.probe.held();
        return { event: 'now', data };
      },
    };
  }
}
