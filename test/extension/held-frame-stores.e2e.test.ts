import { AsyncLocalStorage } from 'node:async_hooks';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecureWsPlugin } from '../../src/index.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { framesInOneRead as oneRead, RawWsClient } from '../hostile/support/raw-socket.js';

/** A plugin's own store, entered around each message (as a tracing plugin enters its span's context). */
const frameIds = new AsyncLocalStorage<string>();

const aroundPlugin: SecureWsPlugin = {
  aroundMessage: (_connection, frame, next) => frameIds.run(String(frame.id), next),
};

@WebSocketGateway({ path: '/held' })
class HeldGateway {
  /** Ordered: a second frame of the same read waits until this one settles. */
  @SubscribeMessage('slow')
  async slow(@MessageBody() ms: number): Promise<string | undefined> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return frameIds.getStore();
  }

  @SubscribeMessage('whose')
  whose(): string | undefined {
    return frameIds.getStore();
  }
}

/*
 * A frame held behind the one before it starts from that one's settle. It
 * must run in its own message's stores: the log context, and whatever the
 * plugins' `aroundMessage` entered for it (with none, only the log context is
 * entered again: test/observability/message-log-context.e2e.test.ts).
 */
describe('a held frame keeps the stores its aroundMessage plugins entered', () => {
  let t: TestApp;
  let client: RawWsClient;

  beforeAll(async () => {
    t = await createTestApp({
      providers: [HeldGateway],
      module: { heartbeat: false, plugins: [aroundPlugin] },
    });
    client = await RawWsClient.connect(t.port, '/held');
  });
  afterAll(async () => {
    client.socket.destroy();
    await t.close();
  });

  const reply = async () => JSON.parse((await client.nextFrame()).payload.toString()) as unknown;

  it('sees its own plugin store, not the one of the frame whose settle started it', async () => {
    client.write(oneRead({ event: 'slow', data: 30, id: 'f-1' }, { event: 'whose', id: 'f-2' }));
    expect(await reply()).toEqual({ event: 'slow', data: 'f-1', id: 'f-1' });
    expect(await reply()).toEqual({ event: 'whose', data: 'f-2', id: 'f-2' });
  });
});
