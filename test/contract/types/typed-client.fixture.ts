// Compiled, never run: `typed-client.test.ts` checks that every line marked
// with a ts-expect-error directive fails to compile, and that nothing else does.
import { expectTypeOf } from 'vitest';
import type {
  ProfileUpdateDto,
  ReferenceAppContract,
  RoomMessagePushDto,
} from '../../../contract/reference-app.contract.js';
import { WsClient, type WsClientError } from '../../../src/client/index.js';

export async function typedUse(client: WsClient<ReferenceAppContract>): Promise<void> {
  const updated = await client.request('profile.update', { email: 'a@b.co', displayName: 'Ann' });
  expectTypeOf(updated).toEqualTypeOf<ProfileUpdateDto>();
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
