import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { EncodedFrame, textFrame } from '../../src/frames/encoded-frame.js';

/** ws's own framing of a server's text frame (what `socket.send(text)` writes); untyped in @types/ws. */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: object): Buffer[] };
};

function wsBytes(text: string): Buffer {
  return Buffer.concat(
    Sender.frame(Buffer.from(text), {
      fin: true,
      opcode: 1,
      mask: false,
      readOnly: false,
      rsv1: false,
    }),
  );
}

describe('textFrame', () => {
  // Each length form of RFC 6455 5.2 (7 bits, 16 bits, 64 bits) at its edges, in bytes, not characters.
  const texts: Array<[string, string]> = [
    ['empty', ''],
    ['125 bytes', 'a'.repeat(125)],
    ['126 bytes', 'a'.repeat(126)],
    ['125 bytes of 2-byte characters and 1 more', `${'é'.repeat(62)}a`],
    ['65,535 bytes', 'a'.repeat(65_535)],
    ['65,536 bytes', 'a'.repeat(65_536)],
    ['4-byte characters past 65,536 bytes', '🎉'.repeat(20_000)],
    ['a lone surrogate (sent as U+FFFD)', 'a\ud800b'],
  ];

  it.each(texts)('frames %s as ws does', (_name, text) => {
    expect(textFrame(text).equals(wsBytes(text))).toBe(true);
  });

  it('frames the UTF-8 bytes of the text, header first', () => {
    expect([...textFrame('hé')]).toEqual([0x81, 3, 0x68, 0xc3, 0xa9]);
  });
});

describe('EncodedFrame', () => {
  it('holds the text frame, encoded once', () => {
    expect([...new EncodedFrame('hé').bytes]).toEqual([0x81, 3, 0x68, 0xc3, 0xa9]);
  });
});
