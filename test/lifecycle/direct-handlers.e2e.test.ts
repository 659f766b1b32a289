import {
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { IsString } from 'class-validator';
import { map, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../src/connection/connection.js';
import { WsErrorCode } from '../../src/errors/error-codes.js';
import { SecureWsException } from '../../src/errors/secure-ws.exception.js';
import { DirectHandlers } from '../../src/lifecycle/direct-handlers.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

class NameDto {
  @IsString()
  name!: string;
}

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(_context: ExecutionContext): boolean {
    return false;
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

@Catch()
class TeapotFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<WebSocket>();
    client.send(JSON.stringify({ event: 'teapot', data: 418 }));
  }
}

@WebSocketGateway({ path: '/direct' })
class DirectGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @SubscribeMessage('name')
  name(@MessageBody('name') name: unknown, @ConnectedSocket() client: WebSocket): unknown {
    return { name, same: connectionOf(client) !== undefined };
  }

  @SubscribeMessage('later')
  async later(@MessageBody() data: unknown): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return data;
  }

  @SubscribeMessage('refuse')
  refuse(): never {
    throw new SecureWsException(WsErrorCode.FORBIDDEN, 'no');
  }

  @SubscribeMessage('dto')
  dto(@MessageBody() body: NameDto): unknown {
    return body;
  }

  @UseGuards(DenyGuard)
  @SubscribeMessage('guarded')
  guarded(): string {
    return 'reached';
  }

  @UseInterceptors(WrapInterceptor)
  @SubscribeMessage('intercepted')
  intercepted(): string {
    return 'inner';
  }

  @UsePipes(new ValidationPipe())
  @SubscribeMessage('piped')
  piped(@MessageBody() body: unknown): unknown {
    return body;
  }

  @UseFilters(TeapotFilter)
  @SubscribeMessage('filtered')
  filtered(): never {
    throw new Error('boom');
  }
}

describe('handlers called straight, around Nest per-message context', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function boot(providers: unknown[] = []): Promise<TestApp> {
    const app = await createTestApp({
      providers: [DirectGateway, ...(providers as [])],
      module: {},
    });
    apps.push(app);
    return app;
  }

  it('goes straight only where no guard, interceptor, pipe or filter is declared', async () => {
    const app = await boot();
    const direct = app.app.get(DirectHandlers);
    for (const event of ['echo', 'name', 'later', 'refuse']) {
      expect(direct.lookup('/direct', event), event).toBeDefined();
    }
    // The DTO handler carries the module's validation pipe.
    for (const event of ['dto', 'guarded', 'intercepted', 'piped', 'filtered']) {
      expect(direct.lookup('/direct', event), event).toBeUndefined();
    }
    expect(direct.lookup('/elsewhere', 'echo')).toBeUndefined();
  });

  it('answers exactly as through Nest: replies, property keys, the socket, async, errors', async () => {
    const app = await boot();
    const client = await app.connect('/direct');
    const id = client.emit('echo', { text: 'hi' });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'hi' }, id });
    const nameId = client.emit('name', { name: 'Ada' });
    expect(await client.next()).toEqual({
      event: 'name',
      data: { name: 'Ada', same: true },
      id: nameId,
    });
    const laterId = client.emit('later', 7);
    expect(await client.next()).toEqual({ event: 'later', data: 7, id: laterId });
    const refuseId = client.emit('refuse');
    expect(await client.nextError('FORBIDDEN')).toMatchObject({ id: refuseId, message: 'no' });
  });

  it('still runs guards, interceptors, pipes and filters where they are declared', async () => {
    const app = await boot();
    const client = await app.connect('/direct');
    client.emit('guarded');
    await client.nextError('FORBIDDEN');
    const interceptedId = client.emit('intercepted');
    expect(await client.next()).toEqual({
      event: 'intercepted',
      data: { wrapped: 'inner' },
      id: interceptedId,
    });
    client.emit('dto', { name: 42 });
    await client.nextError('VALIDATION_FAILED');
    client.emit('filtered');
    expect(await client.next()).toEqual({ event: 'teapot', data: 418 });
  });

  it('leaves every handler to Nest when the app has a global guard', async () => {
    const app = await boot([{ provide: APP_GUARD, useClass: DenyGuard }]);
    expect(app.app.get(DirectHandlers).lookup('/direct', 'echo')).toBeUndefined();
    const client = await app.connect('/direct');
    client.emit('echo', 'hi');
    await client.nextError('FORBIDDEN');
  });
});
