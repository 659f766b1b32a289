import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsString, Length } from 'class-validator';
import { type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RequireClaims,
  RequireRoles,
  RequireScopes,
} from '../../src/auth/require-auth.decorators.js';
import { WsAuthGuard } from '../../src/auth/ws-auth.guard.js';
import { type WsSession } from '../../src/connection/session.js';
import { DirectHandlers } from '../../src/lifecycle/direct-handlers.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { bearer, generateTestKeys, hs } from '../auth/support/tokens.js';
import { codeBlocksUnder } from '../support/markdown.js';
import { TenantGuard } from './support/tenant.guard.js';

const { secret } = generateTestKeys();

/** Keeps a handler on Nest's path (an interceptor that does nothing). */
@Injectable()
class PassInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

/** A subclass may override a hook: it keeps Nest's path. */
@Injectable()
class AdminsGuard extends WsAuthGuard {
  protected override getRoles(_session: WsSession): string[] {
    return ['admin'];
  }
}

class ProfileDto {
  @IsString()
  name!: string;

  @Length(1, 5)
  title!: string;
}

/**
 * Each handler `x` has a twin `x.nest`, the same but for an interceptor that
 * keeps it on Nest's path: the test compares their frames.
 */
@WebSocketGateway({ path: '/guarded' })
class GuardedGateway {
  @UseGuards(WsAuthGuard)
  @RequireScopes('a:write')
  @SubscribeMessage('scoped')
  scoped(@MessageBody() data: unknown): unknown {
    return { ok: data };
  }

  @UseInterceptors(PassInterceptor)
  @UseGuards(WsAuthGuard)
  @RequireScopes('a:write')
  @SubscribeMessage('scoped.nest')
  scopedNest(@MessageBody() data: unknown): unknown {
    return this.scoped(data);
  }

  @UseGuards(WsAuthGuard)
  @RequireRoles('admin', 'ops')
  @RequireClaims({ tenant: 'a', level: 3 })
  @SubscribeMessage('all')
  all(): string {
    return 'all ok';
  }

  @UseInterceptors(PassInterceptor)
  @UseGuards(WsAuthGuard)
  @RequireRoles('admin', 'ops')
  @RequireClaims({ tenant: 'a', level: 3 })
  @SubscribeMessage('all.nest')
  allNest(): string {
    return this.all();
  }

  /** Guard and DTO: the guard answers first, then the validation. */
  @UseGuards(new WsAuthGuard(new Reflector()))
  @RequireScopes('profile:write')
  @SubscribeMessage('profile')
  profile(@MessageBody() dto: ProfileDto): unknown {
    return { instance: dto instanceof ProfileDto, dto };
  }

  @UseInterceptors(PassInterceptor)
  @UseGuards(new WsAuthGuard(new Reflector()))
  @RequireScopes('profile:write')
  @SubscribeMessage('profile.nest')
  profileNest(@MessageBody() dto: ProfileDto): unknown {
    return this.profile(dto);
  }

  /** A user's guard with a direct check, after the module's. */
  @UseGuards(WsAuthGuard, TenantGuard)
  @RequireScopes('a:write')
  @SubscribeMessage('tenant')
  tenant(): string {
    return 'tenant ok';
  }

  @UseInterceptors(PassInterceptor)
  @UseGuards(WsAuthGuard, TenantGuard)
  @RequireScopes('a:write')
  @SubscribeMessage('tenant.nest')
  tenantNest(): string {
    return this.tenant();
  }

  @UseGuards(AdminsGuard)
  @RequireRoles('admin')
  @SubscribeMessage('subclass')
  subclass(): string {
    return 'subclass ok';
  }
}

/** Requirements on the class and the handler, merged; two guards in the list. */
@UseGuards(WsAuthGuard)
@RequireScopes('c:read')
@WebSocketGateway({ path: '/class' })
class ClassGuardedGateway {
  @UseGuards(WsAuthGuard)
  @RequireScopes('c:write')
  @SubscribeMessage('both')
  both(): string {
    return 'both ok';
  }

  @UseInterceptors(PassInterceptor)
  @UseGuards(WsAuthGuard)
  @RequireScopes('c:write')
  @SubscribeMessage('both.nest')
  bothNest(): string {
    return this.both();
  }

  @SubscribeMessage('read')
  read(): string {
    return 'read ok';
  }

  @UseInterceptors(PassInterceptor)
  @SubscribeMessage('read.nest')
  readNest(): string {
    return this.read();
  }
}

/** No session at all: "Authentication required". */
@WebSocketGateway({ path: '/open', auth: false })
class OpenGateway {
  @UseGuards(WsAuthGuard)
  @SubscribeMessage('needs')
  needs(): string {
    return 'needs ok';
  }

  @UseInterceptors(PassInterceptor)
  @UseGuards(WsAuthGuard)
  @SubscribeMessage('needs.nest')
  needsNest(): string {
    return this.needs();
  }
}

const CLAIM_SETS: Record<string, unknown>[] = [
  {},
  { scope: 'a:write' },
  { scope: 'a:read  a:write profile:write' },
  { scp: ['a:write', 7] },
  { scopes: 'profile:write' },
  { scope: 'a:writes' },
  { roles: ['admin', 'ops'], tenant: 'a', level: 3 },
  { roles: 'admin', tenant: 'a', level: 3 },
  { roles: ['admin', 'ops'], tenant: 'a', level: '3' },
  { roles: ['admin', 'ops'], tenant: 'b', level: 3 },
  { scope: 'a:write', tenant: 'a' },
  { scope: 'a:write', tenant: 'b' },
  { roles: ['ops'], tenant: 'a', level: 3 },
  { scope: 'c:read' },
  { scope: 'c:write' },
  { scope: 'c:read c:write' },
];

interface Frame {
  id?: string;
  data?: unknown;
}

/** What `event` and its Nest twin answer to the same payload: frame for frame the same. */
async function expectSameAsNest(
  client: WsTestClient,
  event: string,
  payload?: unknown,
): Promise<Frame> {
  const directId = client.emit(event, payload);
  const direct = await client.next<Frame>();
  const nestId = client.emit(`${event}.nest`, payload);
  const nest = await client.next<Frame>();
  expect(direct.id).toBe(directId);
  expect(nest.id).toBe(nestId);
  // Error frames name their event; replies carry the handler's own data.
  const rename = (frame: Frame, from: string): unknown =>
    JSON.parse(JSON.stringify({ ...frame, id: undefined }).replaceAll(`"${from}"`, '"EVENT"'));
  expect(rename(direct, event), `${event} ${JSON.stringify(payload)}`).toEqual(
    rename(nest, `${event}.nest`),
  );
  return direct;
}

describe('handlers behind the module WsAuthGuard called straight', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function boot(providers: unknown[] = []): Promise<TestApp> {
    const app = await createTestApp({
      providers: [GuardedGateway, ClassGuardedGateway, OpenGateway, ...(providers as [])],
      // Some 40 handshakes from one address in a few seconds: above the default handshake rate.
      module: { auth: { secret }, heartbeat: false, protection: { handshakeRate: false } },
    });
    apps.push(app);
    return app;
  }

  it('goes straight only where every guard is the WsAuthGuard itself', async () => {
    const app = await boot();
    const direct = app.app.get(DirectHandlers);
    for (const [path, event] of [
      ['/guarded', 'scoped'],
      ['/guarded', 'all'],
      ['/guarded', 'profile'],
      ['/guarded', 'tenant'],
      ['/class', 'both'],
      ['/class', 'read'],
      ['/open', 'needs'],
    ] as const) {
      expect(direct.lookup(path, event), event).toBeDefined();
      expect(direct.lookup(path, `${event}.nest`), `${event}.nest`).toBeUndefined();
    }
    expect(direct.lookup('/guarded', 'subclass')).toBeUndefined();
  });

  it('answers every claim set exactly as the guard on Nest path does', async () => {
    const app = await boot();
    let refusals = 0;
    let passes = 0;
    for (const [index, extra] of CLAIM_SETS.entries()) {
      const options = bearer(hs(secret, `user-${index}`, 600, extra));
      const guarded = await app.connect('/guarded', options);
      for (const [event, payload] of [
        ['scoped', { n: 1 }],
        ['all', undefined],
        ['profile', { name: 'Ada', title: 'Dr' }],
        ['profile', { name: 42, title: 'Doctor', extra: true }],
        ['profile', 'not an object'],
        ['tenant', undefined],
      ] as const) {
        const frame = await expectSameAsNest(guarded, event, payload);
        if ((frame as { event?: string }).event === 'error') refusals += 1;
        else passes += 1;
      }
      const classGuarded = await app.connect('/class', options);
      for (const event of ['both', 'read']) await expectSameAsNest(classGuarded, event);
      guarded.close();
      classGuarded.close();
    }
    // Both outcomes were compared, for every requirement kind.
    expect(refusals).toBeGreaterThan(20);
    expect(passes).toBeGreaterThanOrEqual(6);
  });

  it('refuses with the exact frames: scope, role, claim, no session', async () => {
    const app = await boot();
    const limited = await app.connect(
      '/guarded',
      bearer(hs(secret, 'limited', 600, { scope: 'a:read', roles: ['admin', 'ops'], tenant: 'b' })),
    );
    const scopedId = limited.emit('scoped', 1);
    expect(await limited.next()).toEqual({
      event: 'error',
      id: scopedId,
      data: { code: 'FORBIDDEN', message: 'Missing a required scope', event: 'scoped' },
    });
    const allId = limited.emit('all');
    expect(await limited.next()).toEqual({
      event: 'error',
      id: allId,
      data: { code: 'FORBIDDEN', message: 'Missing a required claim', event: 'all' },
    });
    // The guard answers before the validation.
    const profileId = limited.emit('profile', { name: 42 });
    expect(await limited.nextError('FORBIDDEN')).toMatchObject({
      id: profileId,
      message: 'Missing a required scope',
    });
    const open = await app.connect('/open');
    const needsId = open.emit('needs');
    expect(await open.next()).toEqual({
      event: 'error',
      id: needsId,
      data: { code: 'FORBIDDEN', message: 'Authentication required', event: 'needs' },
    });
    await expectSameAsNest(open, 'needs');
    // The connection stays open and served.
    const okId = limited.emit('subclass');
    expect(await limited.next()).toEqual({ event: 'subclass', data: 'subclass ok', id: okId });
  });

  it('gives the handler the validated DTO instance once the guard lets the message through', async () => {
    const app = await boot();
    const client = await app.connect(
      '/guarded',
      bearer(hs(secret, 'writer', 600, { scope: 'profile:write' })),
    );
    const id = client.emit('profile', { name: 'Ada', title: 'Dr' });
    expect(await client.next()).toEqual({
      event: 'profile',
      id,
      data: { instance: true, dto: { name: 'Ada', title: 'Dr' } },
    });
  });

  it('keeps handlers straight under a global WsAuthGuard, with its checks on every handler', async () => {
    const app = await boot([{ provide: APP_GUARD, useClass: WsAuthGuard }]);
    const direct = app.app.get(DirectHandlers);
    expect(direct.lookup('/class', 'read')).toBeDefined();
    expect(direct.lookup('/open', 'needs')).toBeDefined();
    const open = await app.connect('/open');
    await expectSameAsNest(open, 'needs');
    const reader = await app.connect('/class', bearer(hs(secret, 'r', 600, { scope: 'c:read' })));
    expect(await expectSameAsNest(reader, 'read')).toMatchObject({ data: 'read ok' });
    expect(await expectSameAsNest(reader, 'both')).toMatchObject({
      data: { code: 'FORBIDDEN', message: 'Missing a required scope' },
    });
  });

  it('leaves every handler to Nest under a global guard of another class', async () => {
    const app = await boot([{ provide: APP_GUARD, useClass: AdminsGuard }]);
    expect(app.app.get(DirectHandlers).lookup('/class', 'read')).toBeUndefined();
  });

  it('shows in docs/extending.md the guard it runs', () => {
    const root = resolve(import.meta.dirname, '../..');
    const body = (code: string) =>
      code
        .replace(/^import[\s\S]*?from '[^']+';\n/gm, '')
        .replace(/\s+/g, ' ')
        .trim();
    const page = readFileSync(resolve(root, 'docs/extending.md'), 'utf8');
    const support = body(
      readFileSync(resolve(root, 'test/lifecycle/support/tenant.guard.ts'), 'utf8'),
    );
    const blocks = codeBlocksUnder(page, '## Guards checked straight: `DirectGuard`');
    expect(blocks.length).toBe(1);
    for (const block of blocks) expect(support).toContain(body(block));
  });
});
