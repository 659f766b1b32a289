/** FIN and opcode 1: a whole text message in one frame. */
const FIN_TEXT = 0x81;

/**
 * A text frame as a server puts it on the wire (RFC 6455 5.2: final,
 * opcode 1, unmasked), header and UTF-8 payload in one buffer. The module's
 * server negotiates no compression, so this is the frame ws would write,
 * without ws's two option objects per send and its write in two pieces.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(headerLength + length);
  bytes[0] = FIN_TEXT;
  if (headerLength === 2) {
    bytes[1] = length;
  } else if (headerLength === 4) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  bytes.write(text, headerLength, 'utf8');
  return bytes;
}

/**
 * A text frame encoded once for a frame that goes to many connections (a
 * room, a broadcast): each of them writes the same bytes.
 */
export class EncodedFrame {
  readonly bytes: Buffer;

  constructor(readonly text: string) {
    this.bytes = textFrame(text);
  }
}
