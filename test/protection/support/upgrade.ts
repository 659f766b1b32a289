import { expect } from 'vitest';
import { type ClientOptions } from 'ws';
import { UpgradeRefused, WsTestClient } from '../../../src/testing/ws-test-client.js';

/** Connects and expects the HTTP refusal `status` with body `{ code }`. */
export async function expectRefused(
  url: string,
  status: number,
  code: string,
  options: ClientOptions = {},
): Promise<UpgradeRefused> {
  const error = await WsTestClient.connect(url, options).then(
    (client) => {
      client.terminate();
      throw new Error(`Expected HTTP ${status} ${code}, but the upgrade succeeded`);
    },
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(UpgradeRefused);
  const refusal = error as UpgradeRefused;
  expect({ status: refusal.status, body: JSON.parse(refusal.body) }).toEqual({
    status,
    body: { code },
  });
  return refusal;
}

/** Connects, proves the connection works with an echo round trip, returns the client. */
export async function expectAccepted(
  url: string,
  options: ClientOptions = {},
): Promise<WsTestClient> {
  const client = await WsTestClient.connect(url, options);
  expect(await client.request('echo', 'ping')).toEqual({ event: 'echo', data: 'ping', id: '1' });
  return client;
}
