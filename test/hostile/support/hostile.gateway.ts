import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Observable, throwError } from 'rxjs';
import { EchoDto } from '../../../src/app/dto/echo.dto.js';
import { ProfileUpdateDto } from '../../../src/app/dto/profile-update.dto.js';

/**
 * The target of the hostile suite, at `/hostile`: the reference app's DTOs,
 * handlers that fail in every way, and counters of what it really did.
 */
@WebSocketGateway({ path: '/hostile' })
export class HostileGateway {
  connects = 0;
  disconnects = 0;
  /** Acknowledged requests whose work completed. */
  processed = 0;
  /** Requests that started and have not finished. */
  running = 0;
  /** `hang` requests received. */
  hanging = 0;

  handleConnection(): void {
    this.connects += 1;
  }

  handleDisconnect(): void {
    this.disconnects += 1;
  }

  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }

  @SubscribeMessage('raw')
  raw(@MessageBody() data: unknown): unknown {
    return data;
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() { text }: EchoDto) {
    return { text };
  }

  @SubscribeMessage('profile.update')
  updateProfile(@MessageBody() { email, displayName }: ProfileUpdateDto) {
    return { event: 'profile.updated', data: { email, displayName } };
  }

  /** Works for `ms`, counts the request as processed, then acknowledges it. */
  @SubscribeMessage('work')
  async work(@MessageBody() data: { ms?: number } | undefined): Promise<{ done: true }> {
    this.running += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(data?.ms ?? 0, 2000)));
    this.processed += 1;
    this.running -= 1;
    return { done: true };
  }

  /** Never settles: shutdown must not wait for it past its deadline. */
  @SubscribeMessage('hang')
  hang(): Promise<never> {
    this.hanging += 1;
    return new Promise(() => undefined);
  }

  /** Pushes `count` messages of `size` bytes as fast as it can. */
  @SubscribeMessage('flood')
  flood(
    @MessageBody() data: { count: number; size: number },
  ): Observable<{ n: number; pad: string }> {
    const pad = 'x'.repeat(Math.min(data.size, 65_536));
    return new Observable((subscriber) => {
      for (let n = 0; n < Math.min(data.count, 100_000) && !subscriber.closed; n += 1) {
        subscriber.next({ n, pad });
      }
      subscriber.complete();
    });
  }

  @SubscribeMessage('throw.sync')
  throwSync(): never {
    throw new Error('sync secret');
  }

  @SubscribeMessage('throw.reject')
  async throwReject(): Promise<never> {
    await Promise.resolve();
    throw new Error('async secret');
  }

  @SubscribeMessage('throw.observable')
  throwObservable(): Observable<never> {
    return throwError(() => new Error('stream secret'));
  }

  @SubscribeMessage('throw.nonerror')
  throwNonError(): never {
    throw { toString: () => 'object secret' };
  }

  @SubscribeMessage('throw.undefined')
  throwUndefined(): never {
    throw undefined;
  }

  @SubscribeMessage('reject.null')
  rejectNull(): Promise<never> {
    return Promise.reject(null);
  }
}
