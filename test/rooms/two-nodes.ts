import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { type RedisBusOptions } from '../../src/bus/redis-bus-options.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { SessionFromQueryGateway } from './session-from-query.gateway.js';

/** One node of the app: the room events on `/ws`, the bus on this Redis. */
export function startNode(redis: RedisBusOptions): Promise<TestApp> {
  return createTestApp({
    providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
    module: {
      heartbeat: false,
      redis: { presenceTtlMs: 1500, maxReconnectDelayMs: 200, commandTimeoutMs: 1000, ...redis },
    },
  });
}

export interface RoomMessage {
  event: 'room.message';
  data: { room: string; from: string; text: string; at: number };
}
