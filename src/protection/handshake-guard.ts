import { type IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { type Connection } from '../connection/connection.js';
import { type HandshakeRefusal, type SecureWsPlugin } from '../connection/plugin.interface.js';
import { addressGroup } from './address-group.js';
import { AnonymousSlots } from './anonymous-slots.js';
import { BoundedMap } from './bounded-map.js';
import { clientAddressOf } from './client-address.js';
import { AddressSet } from './ip-rules.js';
import { OriginPolicy } from './origin-policy.js';
import { type ResolvedProtectionOptions } from './protection-options.interface.js';
import { PROTECTION_OPTIONS } from './protection-options.token.js';
import { TokenBucket } from './token-bucket.js';

/** The HTTP refusals of the wire contract, before any WebSocket exists. */
export const HandshakeRefusalCode = {
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  IP_DENIED: 'IP_DENIED',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  AT_CAPACITY: 'AT_CAPACITY',
} as const;

/**
 * The address the rules used, kept on the request itself: a `WeakMap` keyed
 * by a fresh request each upgrade was the guard's most expensive line in a
 * CPU profile of handshakes (about 1% of the server's CPU).
 */
const CLIENT_ADDRESS = Symbol('secure-ws.clientAddress');

type AddressedRequest = IncomingMessage & { [CLIENT_ADDRESS]?: string };

/** A socket holding a slot, with the address group it counts against. */
type Holding = Record<symbol, string | undefined>;

/**
 * The listener a socket came in on: its server (net and tls set
 * `socket.server`), else its local port. Not `localPort` first: reading it
 * is a system call whose answer the socket then keeps (~90 B per connection).
 */
function listenerOf(socket: IncomingMessage['socket']): object | number {
  return (socket as { server?: object }).server ?? socket.localPort ?? 0;
}

/**
 * The client address the protection rules used for this upgrade request
 * (after trusted proxies), or `undefined` if they did not see it.
 */
export function protectedClientAddress(request: IncomingMessage): string | undefined {
  return (request as AddressedRequest)[CLIENT_ADDRESS];
}

/**
 * Answers each upgrade request before the WebSocket exists: IP rules,
 * origin, handshake rate, global and per-address connection caps. A request
 * that passes holds a slot until its TCP socket closes, whatever happens
 * after (authentication refusal, a WebSocket session, a broken handshake);
 * once it is a connection, until the connection's close, which follows the socket's.
 */
@Injectable()
export class HandshakeGuard implements SecureWsPlugin {
  private readonly origins: OriginPolicy;
  private readonly allow: AddressSet;
  private readonly deny: AddressSet;
  private readonly proxies: AddressSet;
  private readonly handshakeBuckets: BoundedMap<string, TokenBucket>;
  /** A new address group's handshake bucket: one function, not a closure per upgrade. */
  private readonly newHandshakeBucket: (() => TokenBucket) | undefined;
  /** Open sockets per address; an entry lives only while its sockets do. */
  private readonly openByAddress = new Map<string, number>();
  private open = 0;
  private readonly anonymous = new AnonymousSlots();
  /** The key each open socket keeps its address group under (not a `WeakMap`: see `CLIENT_ADDRESS`). */
  private readonly groupKey = Symbol('secure-ws.addressGroup');
  /**
   * Every socket's `close` listener: one function (the socket is `this`),
   * not a closure per socket, which also kept the whole upgrade request alive.
   */
  private readonly onSocketClose: (this: object) => void;

  constructor(@Inject(PROTECTION_OPTIONS) private readonly options: ResolvedProtectionOptions) {
    this.origins = new OriginPolicy(options.allowedOrigins, options.allowMissingOrigin);
    this.allow = new AddressSet(options.ipAllowList, 'protection.ipAllowList');
    this.deny = new AddressSet(options.ipDenyList, 'protection.ipDenyList');
    this.proxies = new AddressSet(options.trustedProxies, 'protection.trustedProxies');
    this.handshakeBuckets = new BoundedMap(options.maxTrackedKeys);
    const rule = options.handshakeRate;
    this.newHandshakeBucket = rule ? () => new TokenBucket(rule) : undefined;
    const guard = this;
    this.onSocketClose = function (this: object) {
      guard.release(this);
    };
  }

  /** Sockets holding a slot now (accepted or still upgrading). */
  get openCount(): number {
    return this.open;
  }

  checkHandshake(request: IncomingMessage): HandshakeRefusal | undefined {
    const address = clientAddressOf(request, this.proxies);
    (request as AddressedRequest)[CLIENT_ADDRESS] = address;
    if (this.deny.has(address) || (!this.allow.empty && !this.allow.has(address))) {
      return { status: 403, code: HandshakeRefusalCode.IP_DENIED };
    }
    if (!this.origins.allows(request)) {
      return { status: 403, code: HandshakeRefusalCode.ORIGIN_NOT_ALLOWED };
    }
    const { maxConnections, maxConnectionsPerAddress } = this.options;
    const group = addressGroup(address, this.options.ipv6PrefixLength);
    const listener = listenerOf(request.socket);
    if (this.newHandshakeBucket) {
      const waitMs = this.handshakeBuckets.getOrCreate(group, this.newHandshakeBucket).take();
      if (waitMs > 0) {
        return {
          status: 429,
          code: HandshakeRefusalCode.TOO_MANY_CONNECTIONS,
          headers: { 'Retry-After': String(Math.ceil(waitMs / 1000)) },
        };
      }
    }
    // Anonymous sockets of other listeners hold no slot against this one.
    if (
      maxConnections !== false &&
      this.open - this.anonymous.elsewhere(listener) >= maxConnections
    ) {
      return { status: 503, code: HandshakeRefusalCode.AT_CAPACITY };
    }
    const anonymousCap = this.options.maxUnauthenticatedConnections;
    if (anonymousCap !== false && this.anonymous.on(listener) >= anonymousCap) {
      return { status: 503, code: HandshakeRefusalCode.AT_CAPACITY };
    }
    const ofAddress = this.openByAddress.get(group) ?? 0;
    if (maxConnectionsPerAddress !== false && ofAddress >= maxConnectionsPerAddress) {
      return { status: 429, code: HandshakeRefusalCode.TOO_MANY_CONNECTIONS };
    }
    this.hold(group, request, listener);
    return undefined;
  }

  /**
   * An upgrade went through: its slot is given back when the connection
   * closes (`onClose`), no longer by a `close` listener of the socket, where
   * `ws` listens too: two listeners of one event make an array (~100 B per
   * connection). The connection's close comes with or after the socket's.
   */
  onHandshake(outcome: string, request?: IncomingMessage): void {
    if (outcome === 'accepted') request?.socket.removeListener('close', this.onSocketClose);
  }

  /** An authenticated connection no longer holds an anonymous slot. */
  onOpen(connection: Connection): void {
    if (connection.session) this.anonymous.release(connection.transport);
  }

  /** An accepted connection closed: its slot is free (see `onHandshake`). */
  onClose(connection: Connection): void {
    this.release(connection.transport);
  }

  private hold(address: string, request: IncomingMessage, listener: object | number): void {
    const socket = request.socket;
    // A socket already gone may have emitted `close` already: it holds nothing.
    if (socket.destroyed) return;
    this.open += 1;
    this.anonymous.take(socket, listener);
    this.openByAddress.set(address, (this.openByAddress.get(address) ?? 0) + 1);
    (socket as unknown as Holding)[this.groupKey] = address;
    socket.on('close', this.onSocketClose);
  }

  private release(socket: object): void {
    const holding = socket as Holding;
    const address = holding[this.groupKey];
    if (address === undefined) return;
    // Not `delete`, which would turn the socket into a slow dictionary object.
    holding[this.groupKey] = undefined;
    this.open -= 1;
    this.anonymous.release(socket);
    const left = (this.openByAddress.get(address) ?? 1) - 1;
    if (left > 0) this.openByAddress.set(address, left);
    else this.openByAddress.delete(address);
  }
}
