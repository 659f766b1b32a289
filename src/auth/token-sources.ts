import { type IncomingMessage } from 'node:http';
import { type ResolvedAuthOptions } from './auth-options.interface.js';

/** The subprotocol a client offers before its token, and the one the server selects. */
export const ACCESS_TOKEN_PROTOCOL = 'access_token';

export type TokenSource = 'header' | 'subprotocol' | 'cookie' | 'query';

export interface PresentedToken {
  readonly token: string;
  readonly source: TokenSource;
}

function fromHeader(request: IncomingMessage): string | undefined {
  const value = request.headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

function fromSubprotocol(request: IncomingMessage): string | undefined {
  const value = request.headers['sec-websocket-protocol'];
  if (!value) return undefined;
  const offered = value.split(',').map((protocol) => protocol.trim());
  const index = offered.indexOf(ACCESS_TOKEN_PROTOCOL);
  return index === -1 ? undefined : offered[index + 1] || undefined;
}

function fromCookie(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers.cookie;
  if (!value) return undefined;
  for (const pair of value.split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      const raw = pair.slice(separator + 1).trim();
      try {
        return decodeURIComponent(raw) || undefined;
      } catch {
        return raw || undefined;
      }
    }
  }
  return undefined;
}

function fromQuery(request: IncomingMessage): string | undefined {
  const url = request.url ?? '';
  const start = url.indexOf('?');
  if (start === -1) return undefined;
  return new URLSearchParams(url.slice(start + 1)).get('access_token') || undefined;
}

/**
 * The token a client presented at connect: the first enabled source that
 * holds one, in the contract's order. A later source is never tried when
 * an earlier one holds a token, even a bad one.
 */
export function presentedToken(
  request: IncomingMessage,
  sources: ResolvedAuthOptions['sources'],
): PresentedToken | undefined {
  // Straight-line, in the contract's order: no closure or array per upgrade.
  let token = sources.header ? fromHeader(request) : undefined;
  if (token) return { token, source: 'header' };
  token = sources.subprotocol ? fromSubprotocol(request) : undefined;
  if (token) return { token, source: 'subprotocol' };
  token = sources.cookie ? fromCookie(request, sources.cookie) : undefined;
  if (token) return { token, source: 'cookie' };
  token = sources.query ? fromQuery(request) : undefined;
  if (token) return { token, source: 'query' };
  return undefined;
}

/**
 * The ws server's `handleProtocols`: selects `access_token` when offered,
 * so the token itself is never echoed back; otherwise ws's default (the
 * first protocol offered).
 */
export function selectProtocol(protocols: Set<string>): string | false {
  if (protocols.has(ACCESS_TOKEN_PROTOCOL)) return ACCESS_TOKEN_PROTOCOL;
  const [first] = protocols;
  return first ?? false;
}
