import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryBus } from '../../src/bus/in-memory.bus.js';
import { resolveHistoryOptions } from '../../src/history/history-options.js';
import { InMemoryHistoryStore } from '../../src/history/in-memory-history.store.js';

const retention = { size: 100, ttlMs: 120_000 };

describe('the in-process history store', () => {
  it('bounds memory across rooms: the room written least recently goes first, and its epoch changes', async () => {
    const bus = new InMemoryBus(pino({ level: 'silent' }));
    const store = new InMemoryHistoryStore(
      bus,
      resolveHistoryOptions({ maxRooms: 50, maxMessages: 1000 }),
    );
    const first = await store.position('room-0');
    for (let room = 0; room < 500; room++) {
      for (let i = 0; i < 30; i++)
        await store.publish(`room-${room}`, `room-${room}`, '{"event":"x"', retention);
      expect(store.size).toBeLessThanOrEqual(1000);
    }
    expect(store.size).toBeGreaterThan(900);
    const again = await store.position('room-0');
    expect(again.offset).toBe(0);
    expect(again.epoch).not.toBe(first.epoch);
    expect(await store.since('room-0', 10, first.epoch, retention)).toMatchObject({
      recovered: false,
    });
    const kept = await store.since(
      'room-499',
      25,
      (await store.position('room-499')).epoch,
      retention,
    );
    expect(kept).toMatchObject({ recovered: true, frames: expect.any(Array) });
    expect(kept.recovered && kept.frames).toHaveLength(5);
  });

  it('keeps a room to its size and writes pos into the frame it delivers', async () => {
    const bus = new InMemoryBus(pino({ level: 'silent' }));
    const delivered: string[] = [];
    bus.subscribe('t', (frame) => delivered.push(frame));
    const store = new InMemoryHistoryStore(bus, resolveHistoryOptions({}));
    for (let i = 0; i < 5; i++)
      await store.publish('r', 't', `{"event":"e","data":${i}`, { size: 2, ttlMs: 1000 });
    const { epoch } = await store.position('r');
    expect(delivered[4]).toBe(
      `{"event":"e","data":4,"pos":{"room":"r","offset":5,"epoch":"${epoch}"}}`,
    );
    expect(await store.since('r', 3, epoch, { size: 2, ttlMs: 1000 })).toEqual({
      recovered: true,
      frames: delivered.slice(3),
      position: { room: 'r', offset: 5, epoch },
    });
    expect((await store.since('r', 2, epoch, { size: 2, ttlMs: 1000 })).recovered).toBe(false);
    expect(store.size).toBe(2);
  });
});
