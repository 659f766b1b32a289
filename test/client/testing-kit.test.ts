import { JwtService } from '@nestjs/jwt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { createTestApp, type TestApp } from '../../src/testing/index.js';

// The README's "Testing your gateway" example, as it is written there.
const secret = 'a-test-secret-of-at-least-32-bytes!!';
const tokenFor = (sub: string) => new JwtService({ secret }).sign({ sub }, { expiresIn: 60 });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ providers: [ChatGateway], module: { auth: { secret } } });
});
afterAll(() => t.close());

it('answers, refuses and closes as the contract says', async () => {
  const client = await t.connect('/ws', { token: tokenFor('alice') }); // Authorization: Bearer <jwt>
  expect(await client.request('echo', { text: 'hi' })).toEqual({
    event: 'echo',
    data: { text: 'hi' },
    id: '1',
  });

  client.emit('profile.update', { email: 'nope' });
  const error = await client.nextError('VALIDATION_FAILED');
  expect(error.details).toEqual([{ path: 'email', constraints: ['email must be an email'] }]);
  expect(t.logs.withMessage('Client error')).toHaveLength(1);

  const stranger = await t.connect('/ws', { token: 'not-a-jwt' });
  await stranger.nextError('UNAUTHENTICATED');
  expect(await stranger.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
});
