import { type ConnectionOptions } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { checkPositiveIntegers } from '../util/positive-integer.js';

/** Share rooms, presence and revocations across nodes through one NATS (with JetStream). */
export interface NatsBusOptions {
  /** `nats://host:port`, or several for a cluster. */
  servers: string | string[];
  /**
   * Prefix of every subject and JetStream key-value bucket the bus uses
   * (letters, digits, `-`, `_`); apps sharing a NATS keep apart by choosing
   * different ones.
   * @default 'secure-ws'
   */
  prefix?: string;
  /** A node whose heartbeat is older is taken for dead, its presence dropped. @default 30000 */
  presenceTtlMs?: number;
  /** Longest pause between reconnection attempts while NATS is away. @default 2000 */
  maxReconnectDelayMs?: number;
  /** A NATS request (presence, subscribe, key-value) that takes longer is given up. @default 2000 */
  commandTimeoutMs?: number;
  /**
   * Anything else of the client's connect options: credentials, TLS. The bus
   * connects with `noEcho: true` (NATS sends it none of its own messages back)
   * unless given here.
   */
  connection?: Partial<ConnectionOptions>;
  /** Until the module hands the bus its own logger. @default the module's root logger */
  logger?: Logger;
}

export type ResolvedNatsBusOptions = Required<Omit<NatsBusOptions, 'servers' | 'logger'>> & {
  servers: string[];
  logger: Logger | undefined;
};

/** Fills the defaults of `NatsBus`'s options and checks them. */
export function resolveNatsBusOptions(options: NatsBusOptions): ResolvedNatsBusOptions {
  const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
  if (servers.length === 0 || !servers.every((server) => /^(nats|tls):\/\//.test(server))) {
    throw new Error('NatsBus: "servers" must be nats:// (or tls://) URLs.');
  }
  checkPositiveIntegers('NatsBus', options, [
    'presenceTtlMs',
    'maxReconnectDelayMs',
    'commandTimeoutMs',
  ]);
  const prefix = options.prefix ?? 'secure-ws';
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new Error('NatsBus: "prefix" must be letters, digits, "-" or "_".');
  }
  return {
    servers,
    prefix,
    presenceTtlMs: options.presenceTtlMs ?? 30_000,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 2000,
    commandTimeoutMs: options.commandTimeoutMs ?? 2000,
    connection: options.connection ?? {},
    logger: options.logger,
  };
}
