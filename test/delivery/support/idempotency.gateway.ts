import { Injectable } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Observable } from 'rxjs';
import { SecureWsException } from '../../../src/errors/secure-ws.exception.js';

/** How often each handler ran on this node, and a gate slow handlers wait on. */
@Injectable()
export class RunCounter {
  readonly runs = new Map<string, number>();
  private openGate: () => void = () => {};
  private gate: Promise<void> = new Promise((resolve) => {
    this.openGate = resolve;
  });

  count(event: string): number {
    const runs = (this.runs.get(event) ?? 0) + 1;
    this.runs.set(event, runs);
    return runs;
  }

  held(): Promise<void> {
    return this.gate;
  }

  release(): void {
    this.openGate();
  }
}

/** Handlers that show what an idempotent request replays: slow, failing, large. */
@WebSocketGateway({ path: '/ws' })
export class IdempotencyProbeGateway {
  constructor(private readonly counter: RunCounter) {}

  @SubscribeMessage('slow.once')
  async slow(@MessageBody() data: unknown) {
    const run = this.counter.count('slow.once');
    await this.counter.held();
    return { event: 'slow.done', data: { run, data } };
  }

  @SubscribeMessage('refuse')
  refuse() {
    this.counter.count('refuse');
    throw new SecureWsException('FORBIDDEN', 'Not for you', { details: { rule: 'owner' } });
  }

  @SubscribeMessage('boom')
  boom() {
    this.counter.count('boom');
    throw new Error('secret detail');
  }

  @SubscribeMessage('big')
  big(@MessageBody() { size }: { size: number }) {
    return { run: this.counter.count('big'), text: 'x'.repeat(size) };
  }

  @SubscribeMessage('ticks')
  ticks() {
    const run = this.counter.count('ticks');
    return new Observable((subscriber) => {
      subscriber.next({ event: 'tick', data: { run, n: 1 } });
      setTimeout(() => {
        subscriber.next({ event: 'tick', data: { run, n: 2 } });
        subscriber.error(new SecureWsException('GONE', 'Stream ended'));
      }, 20);
    });
  }

  @SubscribeMessage('plain')
  plain() {
    return { run: this.counter.count('plain') };
  }
}
