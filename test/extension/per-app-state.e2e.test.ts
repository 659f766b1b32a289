import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { ProfileDto } from '../support/dto.js';

/** A fresh gateway class per test: what one test writes on a class cannot leak into the next. */
function makeProfileGateway() {
  @WebSocketGateway({ path: '/profile' })
  class ProfileGateway {
    @SubscribeMessage('profile.update')
    update(@MessageBody() profile: ProfileDto): unknown {
      return { email: profile.email, isDto: profile instanceof ProfileDto };
    }
  }
  return ProfileGateway;
}

const INVALID = { event: 'profile.update', data: { email: 'not-an-email' }, id: 1 };

async function expectValidated(t: TestApp): Promise<void> {
  const client = await t.connect('/profile');
  client.send(INVALID);
  const error = await client.nextError('VALIDATION_FAILED');
  expect(error.id).toBe(1);
  client.send({ event: 'profile.update', data: { email: 'a@b.co' }, id: 2 });
  expect(await client.next()).toEqual({
    event: 'profile.update',
    data: { email: 'a@b.co', isDto: true },
    id: 2,
  });
}

async function expectNotValidated(t: TestApp): Promise<void> {
  const client = await t.connect('/profile');
  client.send(INVALID);
  expect(await client.next()).toEqual({
    event: 'profile.update',
    data: { email: 'not-an-email', isDto: false },
    id: 1,
  });
}

describe('two apps in one process keep their own options', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  it('validateAllGateways false, then true: each app does what it was told', async () => {
    const gateway = makeProfileGateway();
    apps.push(
      await createTestApp({ providers: [gateway], module: { validateAllGateways: false } }),
    );
    apps.push(await createTestApp({ providers: [gateway], module: { validateAllGateways: true } }));
    const [lax, strict] = apps as [TestApp, TestApp];
    await expectValidated(strict);
    await expectNotValidated(lax);
  });

  it('validateAllGateways true, then false: each app does what it was told', async () => {
    const gateway = makeProfileGateway();
    apps.push(await createTestApp({ providers: [gateway], module: { validateAllGateways: true } }));
    apps.push(
      await createTestApp({ providers: [gateway], module: { validateAllGateways: false } }),
    );
    const [strict, lax] = apps as [TestApp, TestApp];
    await expectNotValidated(lax);
    await expectValidated(strict);
  });

  it('a third app with the same class, booted after both, keeps its own choice too', async () => {
    const gateway = makeProfileGateway();
    apps.push(await createTestApp({ providers: [gateway], module: { validateAllGateways: true } }));
    apps.push(
      await createTestApp({ providers: [gateway], module: { validateAllGateways: false } }),
    );
    apps.push(await createTestApp({ providers: [gateway], module: { validateAllGateways: true } }));
    const [first, second, third] = apps as [TestApp, TestApp, TestApp];
    await expectValidated(third);
    await expectNotValidated(second);
    await expectValidated(first);
  });
});
