/**
 * The close code `ws` sends when a client breaks the protocol, from the
 * error's `code` (ws's documented `WS_ERR_*` codes): 1009 for a frame
 * larger than `maxPayload`, 1007 for text that is not UTF-8, 1002 for the
 * rest (bad opcode, mask, RSV bits, close code, control frame length);
 * `undefined` for an error that is not ws's protocol error.
 */
export function protocolCloseCode(errorCode: string | undefined): number | undefined {
  if (!errorCode?.startsWith('WS_ERR_')) return undefined;
  switch (errorCode) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return 1009;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    default:
      return 1002;
  }
}
