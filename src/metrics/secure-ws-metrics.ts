import { Inject, Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { type SecureWsPlugin } from '../connection/plugin.interface.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { PlainCounts, PlainHistogram } from './plain-counts.js';

/** The label of an event no handler serves: labels stay bounded whatever clients send. */
export const UNKNOWN_EVENT_LABEL = '(unknown)';

/** Close codes kept as labels; any other (clients pick 3000-4999 freely) is `other`. */
const KNOWN_CLOSE_CODES = new Set([
  1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 4401, 4403,
  4408, 4429,
]);

/** A counter with one label whose counts are kept in `counts` and handed over at each scrape. */
function countedOnScrape(
  name: string,
  help: string,
  labelName: string,
  counts: PlainCounts,
  registers: Registry[],
): void {
  new Counter({
    name,
    help,
    labelNames: [labelName],
    registers,
    collect() {
      this.reset();
      for (const [value, n] of counts.entries()) this.inc({ [labelName]: value }, n);
    },
  });
}

/**
 * The module's Prometheus metrics, fed by the plugin hooks. Labels are
 * bounded: no user ids or addresses, events only of existing handlers.
 *
 * The per-handshake and per-message hooks count in plain numbers
 * (`PlainCounts`, `PlainHistogram`) that prom-client reads when the registry
 * is scraped: its label validation and hashing ran on every message before.
 */
@Injectable()
export class SecureWsMetrics implements SecureWsPlugin {
  readonly registry: Registry;
  private readonly handshakes = new PlainCounts();
  /** Outcomes by event. */
  private readonly messages = new Map<string, PlainCounts>();
  private readonly errorFrames = new PlainCounts();
  private readonly closes = new PlainCounts();
  private readonly handlerSeconds: PlainHistogram;
  private readonly rateLimited: Counter;
  private readonly slowConsumers: Counter;

  constructor(
    @Inject(SECURE_WS_OPTIONS) options: ResolvedSecureWsOptions,
    connections: ConnectionRegistry,
  ) {
    const { registry, prefix, defaultMetrics } = options.metrics;
    this.registry = registry;
    const registers = [registry];
    new Gauge({
      name: `${prefix}connections_open`,
      help: 'WebSocket connections open now (admitting, open or draining).',
      registers,
      collect() {
        this.set(connections.size);
      },
    });
    countedOnScrape(
      `${prefix}handshakes_total`,
      'Upgrade requests by outcome: accepted, or the refusal code.',
      'outcome',
      this.handshakes,
      registers,
    );
    const messages = this.messages;
    new Counter({
      name: `${prefix}messages_total`,
      help: 'Messages that reached a handler, by event and outcome (ok or the error code).',
      labelNames: ['event', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const [event, outcomes] of messages) {
          for (const [outcome, n] of outcomes.entries()) this.inc({ event, outcome }, n);
        }
      },
    });
    countedOnScrape(
      `${prefix}error_frames_total`,
      'Error frames sent, by code.',
      'code',
      this.errorFrames,
      registers,
    );
    countedOnScrape(
      `${prefix}closes_total`,
      'Closed connections by close code (unlisted codes are "other").',
      'code',
      this.closes,
      registers,
    );
    this.handlerSeconds = new PlainHistogram(
      `${prefix}handler_duration_seconds`,
      'Time from handler call to its reply or error, by event.',
      'event',
      [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    );
    this.rateLimited = new Counter({
      name: `${prefix}rate_limited_total`,
      help: 'Messages refused RATE_LIMITED.',
      registers,
    });
    this.slowConsumers = new Counter({
      name: `${prefix}slow_consumers_total`,
      help: 'Connections closed 1013 SLOW_CONSUMER because they stopped reading.',
      registers,
    });
    if (defaultMetrics) collectDefaultMetrics({ register: registry });
  }

  /** The registry's metrics in Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  onHandshake(outcome: string): void {
    this.handshakes.inc(outcome);
  }

  onClose(_connection: WsConnection, code: number): void {
    this.closes.inc(KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other');
  }

  afterMessage(connection: WsConnection, event: string, outcome: string, durationMs: number): void {
    const label = connection.handles(event) ? event : UNKNOWN_EVENT_LABEL;
    let outcomes = this.messages.get(label);
    if (!outcomes) {
      outcomes = new PlainCounts();
      this.messages.set(label, outcomes);
    }
    outcomes.inc(outcome);
    this.handlerSeconds.observe(label, durationMs / 1000);
  }

  onErrorFrame(_connection: WsConnection, code: string): void {
    this.errorFrames.inc(code);
    if (code === WsErrorCode.RATE_LIMITED) this.rateLimited.inc();
    else if (code === WsErrorCode.SLOW_CONSUMER) this.slowConsumers.inc();
  }
}
