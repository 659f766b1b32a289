import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { WsBus } from '../bus/ws-bus.interface.js';
import { SecureWsMetrics } from '../metrics/secure-ws-metrics.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { WsRooms } from './ws-rooms.service.js';

/** The bus and rooms in the module's Prometheus registry, read at each scrape. */
@Injectable()
export class WsBusMetrics implements OnModuleInit {
  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    @Inject(WsBus) private readonly bus: WsBus,
    private readonly rooms: WsRooms,
    private readonly metrics: SecureWsMetrics,
  ) {}

  onModuleInit(): void {
    const prefix = this.options.metrics.prefix;
    const registers = [this.metrics.registry];
    const { bus, rooms } = this;
    new Gauge({
      name: `${prefix}bus_up`,
      help: '1 while the bus reaches every node (always 1 in memory), 0 while it is degraded.',
      registers,
      collect() {
        this.set(bus.isHealthy() ? 1 : 0);
      },
    });
    new Counter({
      name: `${prefix}bus_undelivered_messages_total`,
      help: 'Messages that could not be sent to other nodes (Redis away).',
      registers,
      collect() {
        this.reset();
        this.inc(bus.health().undelivered);
      },
    });
    new Gauge({
      name: `${prefix}rooms_local`,
      help: 'Rooms with at least one member on this node.',
      registers,
      collect() {
        this.set(rooms.localRoomCount());
      },
    });
  }
}
