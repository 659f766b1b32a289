import { type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { type AddressSet, normalizeAddress } from './ip-rules.js';

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy;
 * then `X-Forwarded-For` is read from the right, skipping trusted proxies,
 * and the first address that is not one is the client. An address a client
 * wrote itself (left of the first untrusted hop) is never believed.
 */
export function clientAddressOf(request: IncomingMessage, trustedProxies: AddressSet): string {
  const peer = normalizeAddress(request.socket.remoteAddress ?? '');
  if (trustedProxies.empty || !trustedProxies.has(peer)) return peer;
  const header = request.headers['x-forwarded-for'];
  if (!header) return peer;
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
  let client = peer;
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = normalizeAddress((hops[index] ?? '').trim());
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trustedProxies.has(hop)) return client;
  }
  return client;
}
