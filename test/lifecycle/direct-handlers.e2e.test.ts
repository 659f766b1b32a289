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
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  IsString,
  Length,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { map, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../src/connection/connection.js';
import { WsErrorCode } from '../../src/errors/error-codes.js';
import { SecureWsException } from '../../src/errors/secure-ws.exception.js';
import { DirectHandlers } from '../../src/lifecycle/direct-handlers.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { SecureValidationPipe } from '../../src/validation/secure-validation.pipe.js';

class NameDto {
  @IsString()
  name!: string;
}

class TitledDto extends NameDto {
  @Length(1, 5)
  title!: string;
}

@ValidatorConstraint({ name: 'slowlyNotTaken', async: true })
class SlowlyNotTaken implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return value !== 'taken';
  }
  defaultMessage(): string {
    return 'name is taken';
  }
}

class AsyncNameDto {
  @Validate(SlowlyNotTaken)
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

@Injectable()
class PassInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
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

  @SubscribeMessage('titled')
  titled(@ConnectedSocket() client: WebSocket, @MessageBody() body: TitledDto): unknown {
    return { instance: body instanceof TitledDto, same: connectionOf(client) !== undefined, body };
  }

  /** The same handler on Nest's path (an interceptor keeps it there). */
  @UseInterceptors(PassInterceptor)
  @SubscribeMessage('titled.nest')
  titledNest(@ConnectedSocket() client: WebSocket, @MessageBody() body: TitledDto): unknown {
    return this.titled(client, body);
  }

  @SubscribeMessage('async-dto')
  asyncDto(@MessageBody() body: AsyncNameDto): unknown {
    return { instance: body instanceof AsyncNameDto, body };
  }

  @UseGuards(DenyGuard)
  @SubscribeMessage('guarded-dto')
  guardedDto(@MessageBody() body: NameDto): unknown {
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

  async function boot(
    providers: unknown[] = [],
    module: { validateAllGateways?: boolean } = {},
  ): Promise<TestApp> {
    const app = await createTestApp({
      providers: [DirectGateway, ...(providers as [])],
      module,
    });
    apps.push(app);
    return app;
  }

  it('goes straight only where no guard, interceptor, pipe or filter is declared', async () => {
    const app = await boot();
    const direct = app.app.get(DirectHandlers);
    // DTO handlers too: their one pipe is the module's validation pipe.
    for (const event of ['echo', 'name', 'later', 'refuse', 'dto', 'titled', 'async-dto']) {
      expect(direct.lookup('/direct', event), event).toBeDefined();
    }
    for (const event of ['guarded', 'intercepted', 'piped', 'filtered', 'guarded-dto']) {
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

  it('validates DTO payloads straight, with the same replies and error frames', async () => {
    const app = await boot();
    const client = await app.connect('/direct');
    const okId = client.emit('titled', { name: 'Ada', title: 'Dr' });
    expect(await client.next()).toEqual({
      event: 'titled',
      data: { instance: true, same: true, body: { name: 'Ada', title: 'Dr' } },
      id: okId,
    });
    expect(app.app.get(DirectHandlers).lookup('/direct', 'titled.nest')).toBeUndefined();
    const badId = client.emit('titled', { name: 42, title: 'Doctor', role: 'admin' });
    const bad = {
      event: 'error',
      id: badId,
      data: {
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        event: 'titled',
        details: [
          { path: 'role', constraints: ['property role should not exist'] },
          { path: 'title', constraints: ['title must be shorter than or equal to 5 characters'] },
          { path: 'name', constraints: ['name must be a string'] },
        ],
      },
    };
    expect(await client.next()).toEqual(bad);
    // Frame for frame what Nest's path answers.
    for (const payload of [
      { name: 42, title: 'Doctor', role: 'admin' },
      { name: 'Ada' },
      'Ada',
      null,
      [1],
      { name: 'Ada', title: 'Dr', nested: { deep: true } },
    ]) {
      const direct = client.emit('titled', payload);
      const directFrame = await client.next<{ data: { event: string } }>();
      const nest = client.emit('titled.nest', payload);
      const nestFrame = await client.next<{ data: { event: string } }>();
      expect(directFrame).toEqual({
        ...nestFrame,
        id: direct,
        data: { ...nestFrame.data, event: 'titled' },
      });
      expect(nestFrame).toMatchObject({ id: nest, data: { event: 'titled.nest' } });
    }
    const notObjectId = client.emit('dto', 'Ada');
    expect(await client.nextError('VALIDATION_FAILED')).toMatchObject({
      id: notObjectId,
      details: [{ path: '', constraints: ['data must be an object'] }],
    });
    // An asynchronous constraint: validated by class-validator's `validate`, then the handler.
    const asyncId = client.emit('async-dto', { name: 'free' });
    expect(await client.next()).toEqual({
      event: 'async-dto',
      data: { instance: true, body: { name: 'free' } },
      id: asyncId,
    });
    const takenId = client.emit('async-dto', { name: 'taken' });
    expect(await client.nextError('VALIDATION_FAILED')).toMatchObject({
      id: takenId,
      details: [{ path: 'name', constraints: ['name is taken'] }],
    });
    // A guard in front of a DTO keeps Nest's path: the guard answers first.
    client.emit('guarded-dto', { name: 42 });
    await client.nextError('FORBIDDEN');
  });

  it('passes DTO payloads through unvalidated when validateAllGateways is off, as Nest does', async () => {
    const app = await boot([], { validateAllGateways: false });
    expect(app.app.get(DirectHandlers).lookup('/direct', 'dto')).toBeDefined();
    const client = await app.connect('/direct');
    const id = client.emit('dto', { name: 42 });
    expect(await client.next()).toEqual({ event: 'dto', data: { name: 42 }, id });
  });

  it('keeps handlers straight under a global SecureValidationPipe, validating as Nest would', async () => {
    const app = await boot([{ provide: APP_PIPE, useValue: new SecureValidationPipe() }]);
    const direct = app.app.get(DirectHandlers);
    expect(direct.lookup('/direct', 'echo')).toBeDefined();
    expect(direct.lookup('/direct', 'dto')).toBeDefined();
    const client = await app.connect('/direct');
    const echoId = client.emit('echo', { text: 'hi' });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'hi' }, id: echoId });
    const id = client.emit('dto', { name: 'Ada', extra: 1 });
    expect(await client.nextError('VALIDATION_FAILED')).toMatchObject({
      id,
      details: [{ path: 'extra', constraints: ['property extra should not exist'] }],
    });
  });

  it('leaves every handler to Nest when the app has another global pipe', async () => {
    const app = await boot([{ provide: APP_PIPE, useValue: new ValidationPipe() }]);
    expect(app.app.get(DirectHandlers).lookup('/direct', 'echo')).toBeUndefined();
  });

  it('leaves every handler to Nest when the app has a global guard', async () => {
    const app = await boot([{ provide: APP_GUARD, useClass: DenyGuard }]);
    expect(app.app.get(DirectHandlers).lookup('/direct', 'echo')).toBeUndefined();
    const client = await app.connect('/direct');
    client.emit('echo', 'hi');
    await client.nextError('FORBIDDEN');
  });
});
