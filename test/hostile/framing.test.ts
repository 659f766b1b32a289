import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';
import { closePayload, encodeFrame, Op, RawWsClient } from './support/raw-socket.js';

const MAX_PAYLOAD = 64 * 1024;

/** A JSON frame of exactly `size` bytes: `{"event":"raw","data":"xxx…"}`. */
function frameOfSize(size: number): string {
  const shell = JSON.stringify({ event: 'raw', data: '' });
  return JSON.stringify({ event: 'raw', data: 'x'.repeat(size - shell.length) });
}

describe('framing: a raw-socket peer breaking RFC 6455', () => {
  let t: HostileApp;
  const alive = () => t.alive();
  const dial = () => RawWsClient.connect(t.port, '/hostile');

  /** Sends `bytes`, expects the server's close frame with `code`, then the TCP end. */
  async function expectClosed(bytes: Buffer | Buffer[], code: number): Promise<void> {
    const client = await dial();
    for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) client.write(chunk);
    expect((await client.closeCode()).code).toBe(code);
    await client.ended;
    await alive();
  }

  beforeAll(async () => {
    t = await createHostileApp({ maxPayload: MAX_PAYLOAD });
  });
  afterAll(() => t.close());

  it('answers a well-formed raw frame (the harness works)', async () => {
    const client = await dial();
    client.text(JSON.stringify({ event: 'ping', id: 1 }));
    expect(await client.nextJson()).toEqual({ event: 'ping', data: 'pong', id: 1 });
    client.frame({ opcode: Op.CLOSE, payload: closePayload(1000) });
    expect((await client.closeCode()).code).toBe(1000);
    await client.ended;
    await alive();
  });

  it('closes 1002 on an unmasked client frame', () =>
    expectClosed(
      encodeFrame({ opcode: Op.TEXT, payload: '{"event":"ping"}', masked: false }),
      1002,
    ));

  it.each([1, 2, 4, 7])('closes 1002 on RSV bits %i', (rsv) =>
    expectClosed(encodeFrame({ opcode: Op.TEXT, payload: '{"event":"ping"}', rsv }), 1002),
  );

  it.each([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf])('closes 1002 on reserved opcode %i', (opcode) =>
    expectClosed(encodeFrame({ opcode, payload: 'x' }), 1002),
  );

  it('closes 1002 on a control frame over 125 bytes', () =>
    expectClosed(encodeFrame({ opcode: Op.PING, payload: Buffer.alloc(126) }), 1002));

  it.each([Op.PING, Op.PONG, Op.CLOSE])(
    'closes 1002 on a fragmented control frame (opcode %i)',
    (opcode) => expectClosed(encodeFrame({ opcode, payload: 'a', fin: false }), 1002),
  );

  it('closes 1002 on a continuation frame with nothing to continue', () =>
    expectClosed(encodeFrame({ opcode: Op.CONTINUATION, payload: 'x' }), 1002));

  it('closes 1002 on a new data frame inside a fragmented message', () =>
    expectClosed(
      [
        encodeFrame({ opcode: Op.TEXT, payload: '{"event":', fin: false }),
        encodeFrame({ opcode: Op.TEXT, payload: '"ping"}' }),
      ],
      1002,
    ));

  it('closes 1007 on invalid UTF-8 in one frame', () =>
    expectClosed(
      encodeFrame({ opcode: Op.TEXT, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
      1007,
    ));

  it('closes 1007 on invalid UTF-8 split inside a code point across fragments', () =>
    expectClosed(
      [
        encodeFrame({
          opcode: Op.TEXT,
          payload: Buffer.concat([
            Buffer.from('{"event":"raw","data":"'),
            Buffer.from([0xf0, 0x9f]),
          ]),
          fin: false,
        }),
        encodeFrame({ opcode: Op.CONTINUATION, payload: Buffer.from('"}') }),
      ],
      1007,
    ));

  it('accepts valid UTF-8 split inside a code point across fragments', async () => {
    const client = await dial();
    const whole = Buffer.from('{"event":"raw","data":"😀é","id":2}');
    const cut = whole.indexOf(0xf0) + 2;
    client.frame({ opcode: Op.TEXT, payload: whole.subarray(0, cut), fin: false });
    client.frame({ opcode: Op.CONTINUATION, payload: whole.subarray(cut) });
    expect(await client.nextJson()).toEqual({ event: 'raw', data: '😀é', id: 2 });
    client.destroy();
    await alive();
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])(
    'closes 1002 on a close frame with code %i',
    (code) => expectClosed(encodeFrame({ opcode: Op.CLOSE, payload: closePayload(code) }), 1002),
  );

  it('closes 1002 on a close frame with a 1-byte payload', () =>
    expectClosed(encodeFrame({ opcode: Op.CLOSE, payload: Buffer.from([3]) }), 1002));

  it('closes 1007 on a close frame whose reason is invalid UTF-8', () =>
    expectClosed(
      encodeFrame({
        opcode: Op.CLOSE,
        payload: Buffer.concat([closePayload(1000), Buffer.from([0xff])]),
      }),
      1007,
    ));

  it('echoes a valid close code (3000, 4999) and closes cleanly', async () => {
    for (const code of [3000, 4999]) {
      const client = await dial();
      client.frame({ opcode: Op.CLOSE, payload: closePayload(code, 'bye') });
      expect((await client.closeCode()).code).toBe(code);
      await client.ended;
    }
    await alive();
  });

  it('closes 1009 on a 64-bit length of 2^40 with no body', () =>
    expectClosed(encodeFrame({ opcode: Op.TEXT, length: 2n ** 40n }), 1009));

  it('closes 1009 on a 64-bit length over 2^53 - 1', () =>
    expectClosed(encodeFrame({ opcode: Op.TEXT, length: 2n ** 63n }), 1009));

  it('closes 1009 on a message one byte over the limit', () =>
    expectClosed(encodeFrame({ opcode: Op.TEXT, payload: frameOfSize(MAX_PAYLOAD + 1) }), 1009));

  it('accepts a message exactly at the limit', async () => {
    const client = await dial();
    const text = frameOfSize(MAX_PAYLOAD);
    expect(Buffer.byteLength(text)).toBe(MAX_PAYLOAD);
    client.text(text);
    const reply = await client.nextJson<{ event: string; data: string }>();
    expect(reply.event).toBe('raw');
    expect(reply.data.length).toBe(MAX_PAYLOAD - JSON.stringify({ event: 'raw', data: '' }).length);
    client.destroy();
    await alive();
  });

  /**
   * Streams fragments of `size` bytes (bounded: at most 64 Ki fragments and
   * twice the payload limit) until the server closes; returns its close code
   * and how many fragments went out.
   */
  async function streamFragments(size: number): Promise<{ code?: number; sent: number }> {
    const client = await dial();
    client.frame({ opcode: Op.TEXT, payload: 'x'.repeat(size), fin: false });
    const fragment = encodeFrame({
      opcode: Op.CONTINUATION,
      payload: 'x'.repeat(size),
      fin: false,
    });
    let closed = false;
    const close = client.closeCode(15_000).finally(() => {
      closed = true;
    });
    let sent = 1;
    while (!closed && sent < 65_536 && sent * size < 2 * MAX_PAYLOAD) {
      client.write(Buffer.concat(Array.from({ length: 256 }, () => fragment)));
      sent += 256;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { code } = await close;
    client.destroy();
    await alive();
    return { code, sent };
  }

  it("closes 1008 on an endless stream of 1-byte fragments (ws's maxFragments, 16384)", async () => {
    const { code, sent } = await streamFragments(1);
    expect(code).toBe(1008);
    expect(sent).toBeGreaterThan(16_384);
  });

  it('closes 1009 on an endless stream of fragments once their sum passes maxPayload', async () => {
    const { code, sent } = await streamFragments(512);
    expect(code).toBe(1009);
    expect(sent * 512).toBeGreaterThan(MAX_PAYLOAD);
  });

  it('answers a frame written one byte per TCP write', async () => {
    const client = await dial();
    await client.trickle(encodeFrame({ opcode: Op.TEXT, payload: '{"event":"ping","id":"slow"}' }));
    expect(await client.nextJson()).toEqual({ event: 'ping', data: 'pong', id: 'slow' });
    client.destroy();
    await alive();
  });

  it('answers a binary frame on a JSON gateway with UNSUPPORTED_FRAME and stays open', async () => {
    const client = await dial();
    client.frame({ opcode: Op.BINARY, payload: Buffer.from([0, 1, 2, 255]) });
    expect(await client.nextJson()).toEqual({
      event: 'error',
      data: {
        code: 'UNSUPPORTED_FRAME',
        message: 'Binary frames are not accepted on this gateway',
      },
    });
    client.text(JSON.stringify({ event: 'ping', id: 3 }));
    expect(await client.nextJson()).toEqual({ event: 'ping', data: 'pong', id: 3 });
    client.destroy();
    await alive();
  });

  it('answers pings with pongs carrying the same payload', async () => {
    const client = await dial();
    client.frame({ opcode: Op.PING, payload: 'are you there' });
    const pong = await client.nextFrame();
    expect(pong.opcode).toBe(Op.PONG);
    expect(pong.payload.toString()).toBe('are you there');
    client.destroy();
    await alive();
  });

  it('survives a peer that vanishes mid-frame', async () => {
    const client = await dial();
    client.write(encodeFrame({ opcode: Op.TEXT, payload: 'x'.repeat(1000) }).subarray(0, 500));
    client.destroy();
    await alive();
  });
});
