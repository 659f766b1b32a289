import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
} from '@nestjs/websockets';
import { delay, Observable, of, throwError } from 'rxjs';
import { type WebSocket } from 'ws';
import { SecureWsException } from '../../src/errors/secure-ws.exception.js';
import { ProfileDto } from './dto.js';

class TeapotError extends Error {}

/** A user filter: it must win over the funnel for what it catches. */
@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  catch(_error: TeapotError, host: ArgumentsHost): void {
    host
      .switchToWs()
      .getClient<WebSocket>()
      .send(JSON.stringify({ event: 'teapot', data: 'short and stout' }));
  }
}

@Injectable()
class DenyGuard {
  canActivate(): boolean {
    return false;
  }
}

/** Handlers that exercise every way a message can succeed or fail. */
@WebSocketGateway({ path: '/probe' })
export class ProbeGateway {
  /** Events handled, in order, to check nothing ran that should not have. */
  static readonly handled: string[] = [];

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @SubscribeMessage('profile.update')
  update(@MessageBody() profile: ProfileDto) {
    return {
      event: 'profile.updated',
      data: { email: profile.email, displayName: profile.displayName },
    };
  }

  @SubscribeMessage('later')
  later(@MessageBody() data: { ms: number }): Promise<string> {
    return new Promise((resolve) => setTimeout(() => resolve('done'), data.ms));
  }

  @SubscribeMessage('stream')
  stream(): Observable<string> {
    return of('one').pipe(delay(5));
  }

  @SubscribeMessage('nothing')
  nothing(): void {}

  @SubscribeMessage('throw.sync')
  throwSync(): never {
    throw new Error('database password is hunter2');
  }

  @SubscribeMessage('throw.async')
  async throwAsync(): Promise<never> {
    await Promise.resolve();
    throw new TypeError('secret internals');
  }

  @SubscribeMessage('throw.string')
  throwString(): never {
    throw 'a bare string';
  }

  @SubscribeMessage('throw.observable')
  throwObservable(): Observable<never> {
    return throwError(() => new Error('stream broke'));
  }

  @SubscribeMessage('throw.ws')
  throwWs(): never {
    throw new WsException('Room is full');
  }

  @SubscribeMessage('throw.http.404')
  throwNotFound(): never {
    throw new NotFoundException('No such room');
  }

  @SubscribeMessage('throw.http.403')
  throwForbidden(): never {
    throw new ForbiddenException();
  }

  @SubscribeMessage('throw.http.400')
  throwBadRequest(): never {
    throw new BadRequestException(['name must be a string']);
  }

  @SubscribeMessage('throw.secure')
  throwSecure(): never {
    throw new SecureWsException('QUOTA_EXCEEDED', 'Quota exceeded', { details: { limit: 3 } });
  }

  @SubscribeMessage('denied')
  @UseGuards(DenyGuard)
  denied(): string {
    ProbeGateway.handled.push('denied');
    return 'should not happen';
  }

  @SubscribeMessage('teapot')
  @UseFilters(TeapotFilter)
  teapot(): never {
    throw new TeapotError();
  }

  @SubscribeMessage('whoami')
  whoami(@ConnectedSocket() client: WebSocket): boolean {
    return client.readyState === 1;
  }
}
