import { expect } from 'vitest';
import { ChatGateway } from '../../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../../src/app/gateways/rooms.gateway.js';
import { WsBus } from '../../../src/bus/ws-bus.interface.js';
import { type HistoryOptions } from '../../../src/history/history-options.js';
import { createTestApp, type TestApp } from '../../../src/testing/test-app.js';
import { type WsTestClient } from '../../../src/testing/ws-test-client.js';
import { SessionFromQueryGateway } from '../../rooms/session-from-query.gateway.js';

/** The reference app's room gateway (rooms keep history), `?user=` sessions, Redis when given. */
export async function startHistoryApp(
  options: { redisUrl?: string; keyPrefix?: string; history?: HistoryOptions } = {},
): Promise<TestApp> {
  const app = await createTestApp({
    providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
    module: {
      heartbeat: false,
      protection: { messageRate: false, userMessageRate: false },
      history: options.history,
      redis: options.redisUrl
        ? {
            url: options.redisUrl,
            keyPrefix: options.keyPrefix,
            presenceTtlMs: 3000,
            maxReconnectDelayMs: 200,
          }
        : undefined,
    },
  });
  await expect.poll(() => app.app.get<WsBus>(WsBus).isHealthy()).toBe(true);
  return app;
}

export interface Position {
  room: string;
  offset: number;
  epoch: string;
}

export interface RoomMessageFrame {
  event: 'room.message';
  data: { room: string; from: string; text: string; at: number };
  pos: Position;
}

export interface ResumeReplyFrame {
  event: 'session.resume';
  data: {
    rooms: Array<{
      room: string;
      recovered: boolean;
      missed?: number;
      reason?: string;
      pos?: Position;
    }>;
  };
  id: string;
}

/** Joins and returns the room's position from `room.joined`. */
export async function joinAt(client: WsTestClient, room: string): Promise<Position> {
  const reply = await client.request<{ event: string; data: { pos: Position } }>('room.join', {
    room,
  });
  if (reply.event !== 'room.joined') throw new Error(`join refused: ${JSON.stringify(reply)}`);
  return reply.data.pos;
}

/** Frames until the one answering request `id` (inclusive), in order. */
export async function framesUntilReply(
  client: WsTestClient,
  id: string,
  timeoutMs = 5000,
): Promise<Array<Record<string, unknown>>> {
  const frames: Array<Record<string, unknown>> = [];
  for (;;) {
    const frame = await client.next<Record<string, unknown>>(timeoutMs);
    frames.push(frame);
    if (frame.id === id) return frames;
  }
}
