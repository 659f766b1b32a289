import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';
import { encodeFrame, Op, RawWsClient } from './support/raw-socket.js';

describe('a valid message and a protocol error in the same read', () => {
  let t: HostileApp;
  beforeAll(async () => {
    t = await createHostileApp();
  });
  afterAll(() => t.close());

  it.each([
    ['a frame with RSV bits set', encodeFrame({ opcode: Op.TEXT, payload: 'x', rsv: 1 })],
    ['an unmasked frame', encodeFrame({ opcode: Op.TEXT, payload: 'x', masked: false })],
    ['a reserved opcode', encodeFrame({ opcode: 0x3 })],
  ])('answers the message before the 1002 close (%s)', async (_, bad) => {
    const client = await RawWsClient.connect(t.port, '/hostile');
    const valid = encodeFrame({ opcode: Op.TEXT, payload: '{"event":"ping","id":1}' });
    client.write(Buffer.concat([valid, bad]));
    const first = await client.nextFrame();
    expect(first.opcode).toBe(Op.TEXT);
    expect(JSON.parse(first.payload.toString())).toEqual({ event: 'ping', data: 'pong', id: 1 });
    const second = await client.nextFrame();
    expect(second.opcode).toBe(Op.CLOSE);
    expect(second.payload.readUInt16BE(0)).toBe(1002);
    client.destroy();
  });
});
