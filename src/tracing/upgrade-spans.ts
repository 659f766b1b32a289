import { type IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { MESSAGING_SYSTEM, type SpanAttributes, SpanName } from './span-names.js';
import { type WsTracing } from './ws-tracing.js';

/** Peers are told apart by address and port: unique among open TCP connections. */
function peerKey(address: string | undefined, port: number | undefined): string {
  return `${address}|${port}`;
}

/**
 * One `upgrade <path>` span per upgrade request: the handshake checks and
 * authentication, until the connection is admitted (its gateways'
 * `handleConnection` ran) or refused. Spans are kept only while their
 * socket is open.
 */
export class UpgradeSpans {
  private readonly open = new Map<string, Span>();

  constructor(private readonly tracing: WsTracing) {}

  started(request: IncomingMessage): void {
    // Without an SDK nothing is made per upgrade: not even the span's name.
    if (!this.tracing.sdkRegistered) return;
    const path = (request.url ?? '/').split('?')[0] as string;
    const span = this.tracing.start(SpanName.upgrade(path), 'SERVER');
    if (!span) return;
    const socket = request.socket;
    const key = peerKey(socket.remoteAddress, socket.remotePort);
    span.setAttributes({
      'messaging.system': MESSAGING_SYSTEM,
      'url.path': path,
      'client.address': socket.remoteAddress ?? '',
    } satisfies SpanAttributes);
    this.open.set(key, span);
    socket.once('close', () => this.end(key, { 'secure_ws.outcome': 'closed' }));
  }

  refused(request: IncomingMessage, code: string): void {
    if (this.open.size === 0) return;
    const socket = request.socket;
    this.end(peerKey(socket.remoteAddress, socket.remotePort), { 'secure_ws.outcome': code });
  }

  admitted(connection: WsConnection): void {
    if (this.open.size === 0) return;
    this.end(peerKey(connection.remoteAddress, connection.remotePort), {
      'secure_ws.outcome': 'accepted',
      'messaging.client.id': connection.id,
      'enduser.id': connection.session?.userId ?? '',
    });
  }

  closed(connection: WsConnection, code: number): void {
    if (this.open.size === 0) return;
    this.end(peerKey(connection.remoteAddress, connection.remotePort), {
      'secure_ws.outcome': 'closed',
      'secure_ws.close_code': code,
      'messaging.client.id': connection.id,
    });
  }

  private end(key: string, attributes: SpanAttributes): void {
    const span = this.open.get(key);
    if (!span) return;
    this.open.delete(key);
    this.tracing.end(span, attributes);
  }
}
