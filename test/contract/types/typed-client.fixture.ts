// Compiled, never run: `typed-client.test.ts` checks that every line marked
// with a ts-expect-error directive fails to compile, and that nothing else does.
import { of } from 'rxjs';
import { expectTypeOf } from 'vitest';
import * as z from 'zod';
import type {
  ProfileUpdateDto as ProfileUpdateReply,
  ReferenceAppContract,
  RoomMessagePushDto,
} from '../../../contract/reference-app.contract.js';
import { EchoDto } from '../../../src/app/dto/echo.dto.js';
import { ProfileUpdateDto } from '../../../src/app/dto/profile-update.dto.js';
import { Reply } from '../../../src/asyncapi/contract.decorators.js';
import { WsClient, type WsClientError } from '../../../src/client/index.js';

const ZodReply = z.object({ id: z.string() });

export async function typedUse(client: WsClient<ReferenceAppContract>): Promise<void> {
  const updated = await client.request('profile.update', { email: 'a@b.co', displayName: 'Ann' });
  expectTypeOf(updated).toEqualTypeOf<ProfileUpdateReply>();
  expectTypeOf(await client.request('whoami')).toEqualTypeOf<{
    userId?: string | null;
    connectionId?: string;
    expiresAt?: number | null;
  }>();
  const joined = await client.request('room.join', { room: 'lobby' }, { timeoutMs: 1000 });
  expectTypeOf(joined.members).toEqualTypeOf<string[]>();
  client.send('room.send', { room: 'lobby', text: 'hi' });
  client.on('room.message', (message, frame) => {
    expectTypeOf(message).toEqualTypeOf<RoomMessagePushDto>();
    expectTypeOf(frame.data.at).toEqualTypeOf<number>();
  });
  client.on('session.expiring', ({ expiresAt }) => expectTypeOf(expiresAt).toBeNumber());
  client.on('error', (error) => expectTypeOf(error).toEqualTypeOf<WsClientError>());

  // @ts-expect-error: a wrong event name
  await client.request('profile.updat', { email: 'a@b.co' });
  // @ts-expect-error: a wrong payload (email must be a string)
  await client.request('profile.update', { email: 42 });
  // @ts-expect-error: a payload missing its required field
  await client.request('profile.update', { displayName: 'Ann' });
  // @ts-expect-error: a payload is required
  await client.request('echo');
  // @ts-expect-error: a wrong use of the reply (profile.updated has no `members`)
  updated.members;
  // @ts-expect-error: a reply typed by the caller is refused: the contract says what it is
  await client.request<{ anything: true }>('whoami');
  // @ts-expect-error: a wrong push name
  client.on('room.mesage', () => undefined);
  // @ts-expect-error: a wrong use of a push (`text` is a string)
  client.on('room.message', (message) => message.text.toFixed());
  // @ts-expect-error: send checks names too
  client.send('room.sned', { room: 'lobby', text: 'hi' });
}

export async function untypedUse(client: WsClient): Promise<void> {
  const anything = await client.request('whatever', { any: 'thing' });
  expectTypeOf(anything).toBeUnknown();
  const typedByCaller = await client.request<{ expiresAt: number }>('whoami');
  expectTypeOf(typedByCaller.expiresAt).toBeNumber();
  client.on<{ n: number }>('news', (data) => expectTypeOf(data.n).toBeNumber());
  client.send('anything');
}

/** The server side: `@Reply` holds a handler's return value to the declared schema. */
export class ReplyTypedGateway {
  @Reply(EchoDto)
  echo(): { text: string } {
    return { text: 'ok' };
  }

  @Reply('profile.updated', ProfileUpdateDto)
  async update(): Promise<{ event: string; data: ProfileUpdateDto }> {
    return { event: 'profile.updated', data: { email: 'a@b.co' } };
  }

  @Reply(ZodReply)
  zod() {
    return of({ id: 'x' });
  }

  // @ts-expect-error: the handler returns what EchoDto is not
  @Reply(EchoDto)
  wrongData() {
    return { txt: 'typo' };
  }

  // @ts-expect-error: with a reply event, the handler returns { event, data }
  @Reply('profile.updated', ProfileUpdateDto)
  bareData() {
    return { email: 'a@b.co' };
  }

  // @ts-expect-error: the zod schema's output type is checked too
  @Reply(ZodReply)
  wrongZod() {
    return { id: 42 };
  }
}
