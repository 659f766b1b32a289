import { randomUUID } from 'node:crypto';
import { type Logger } from 'pino';
import { InMemoryExpiringSets } from './in-memory-expiring-sets.js';
import { LocalTopics } from './local-topics.js';
import {
  type BusHandler,
  type BusHealth,
  type BusSubscription,
  type PresenceEntry,
  type WsBus,
  type WsPresence,
} from './ws-bus.interface.js';

class InMemoryPresence implements WsPresence {
  private readonly sets = new Map<string, Set<string>>();

  constructor(private readonly nodeId: string) {}

  async add(set: string, member: string): Promise<void> {
    const members = this.sets.get(set);
    if (members) members.add(member);
    else this.sets.set(set, new Set([member]));
  }

  async remove(set: string, member: string): Promise<void> {
    const members = this.sets.get(set);
    if (!members?.delete(member)) return;
    if (members.size === 0) this.sets.delete(set);
  }

  async members(set: string): Promise<PresenceEntry[]> {
    return [...(this.sets.get(set) ?? [])].map((member) => ({ nodeId: this.nodeId, member }));
  }

  clear(): void {
    this.sets.clear();
  }
}

const READY = Promise.resolve();

/** The default bus: one process, no transport, always up. */
export class InMemoryBus implements WsBus {
  readonly nodeId = randomUUID();
  readonly capabilities = { transport: 'memory', shared: false } as const;
  readonly presence: InMemoryPresence;
  readonly expiring = new InMemoryExpiringSets();
  private readonly topics: LocalTopics;

  constructor(logger: Logger) {
    this.topics = new LocalTopics(logger);
    this.presence = new InMemoryPresence(this.nodeId);
  }

  publish(topic: string, message: string): void {
    this.topics.deliver(topic, message, this.nodeId);
  }

  subscribe(topic: string, handler: BusHandler): BusSubscription {
    this.topics.add(topic, handler);
    return { ready: READY, unsubscribe: () => void this.topics.remove(topic, handler) };
  }

  /** The process is the whole transport: it is never down, so never comes up. */
  onResume(): () => void {
    return () => undefined;
  }

  health(): BusHealth {
    return {
      transport: this.capabilities.transport,
      status: 'up',
      nodeId: this.nodeId,
      undelivered: 0,
    };
  }

  isHealthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.presence.clear();
    this.expiring.clear();
  }
}
