import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { type RedisBusOptions } from '../../src/bus/redis-bus-options.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { HealthController } from '../../src/health/health.controller.js';
import { MetricsController } from '../../src/metrics/metrics.controller.js';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { scrape } from '../support/metrics-scrape.js';
import { SessionFromQueryGateway } from './session-from-query.gateway.js';

/** One node of the app: the room events on `/ws`, the bus on this Redis. */
export function startNode(redis: RedisBusOptions): Promise<TestApp> {
  return startNodeWith({ redis: { presenceTtlMs: 3000, maxReconnectDelayMs: 200, ...redis } });
}

/** One node of the app: the room events on `/ws`, the bus these options choose. */
export function startNodeWith(bus: Pick<SecureWsModuleOptions, 'redis' | 'bus'>): Promise<TestApp> {
  return createTestApp({
    providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
    controllers: [HealthController, MetricsController],
    module: {
      heartbeat: false,
      // The ordering test sends 200 messages at once: above the default message rate.
      protection: { messageRate: false, userMessageRate: false },
      ...bus,
    },
  });
}

export interface RoomMessage {
  event: 'room.message';
  data: { room: string; from: string; text: string; at: number };
}

/** `GET /health` of a node: HTTP status and body. */
export async function healthOf(node: TestApp) {
  const response = await fetch(`http://127.0.0.1:${node.port}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The value of one sample of `GET /metrics` of a node. */
export async function metricOf(node: TestApp, name: string): Promise<number | undefined> {
  return (await scrape(node.port)).get(name);
}

/** The bus a node's module runs on. */
export function busOf(node: TestApp): WsBus {
  return node.app.get<WsBus>(WsBus);
}

/** Sends `text` to the room `lobby`, without waiting for the reply. */
export function sayInLobby(client: WsTestClient, text: string): void {
  client.send({ event: 'room.send', data: { room: 'lobby', text } });
}
