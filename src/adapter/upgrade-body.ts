import { type IncomingMessage } from 'node:http';

/**
 * An upgrade request announcing a body: after a 101 its bytes would be read
 * as WebSocket frames (request smuggling), so it is refused 400.
 */
export function upgradeHasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}
