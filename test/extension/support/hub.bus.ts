import { randomUUID } from 'node:crypto';
import {
  type BusHandler,
  type BusHealth,
  type BusSubscription,
  type ExpiringEntry,
  type PresenceEntry,
  type WsBus,
  type WsBusCapabilities,
  type WsExpiringSets,
  type WsPresence,
} from '../../../src/index.js';

/**
 * What a user's own transport shares between nodes; here, between apps in
 * one process (in an app: a message broker and a store).
 */
export class Hub {
  readonly nodes = new Set<HubBus>();
  /** set → `<node id>|<member>` */
  readonly presence = new Map<string, Set<string>>();
  /** set → member → lapse time */
  readonly expiring = new Map<string, Map<string, number>>();
}

class HubPresence implements WsPresence {
  constructor(
    private readonly hub: Hub,
    private readonly nodeId: string,
  ) {}

  async add(set: string, member: string): Promise<void> {
    const entries = this.hub.presence.get(set) ?? new Set();
    this.hub.presence.set(set, entries.add(`${this.nodeId}|${member}`));
  }

  async remove(set: string, member: string): Promise<void> {
    this.hub.presence.get(set)?.delete(`${this.nodeId}|${member}`);
  }

  async members(set: string): Promise<PresenceEntry[]> {
    return [...(this.hub.presence.get(set) ?? [])].map((entry) => {
      const bar = entry.indexOf('|');
      return { nodeId: entry.slice(0, bar), member: entry.slice(bar + 1) };
    });
  }

  forgetSelf(): void {
    for (const entries of this.hub.presence.values()) {
      for (const entry of entries) if (entry.startsWith(`${this.nodeId}|`)) entries.delete(entry);
    }
  }
}

class HubExpiringSets implements WsExpiringSets {
  constructor(private readonly hub: Hub) {}

  async add(set: string, member: string, untilMs: number): Promise<void> {
    const entries = this.hub.expiring.get(set) ?? new Map<string, number>();
    entries.set(member, Math.max(untilMs, entries.get(member) ?? 0));
    this.hub.expiring.set(set, entries);
  }

  async list(set: string): Promise<ExpiringEntry[]> {
    const now = Date.now();
    const live: ExpiringEntry[] = [];
    for (const [member, untilMs] of this.hub.expiring.get(set) ?? []) {
      if (untilMs > now) live.push({ member, untilMs });
      else this.hub.expiring.get(set)?.delete(member);
    }
    return live;
  }
}

/**
 * A user's own `WsBus`, passed with `SecureWsModule.forRoot({ bus })`: the
 * module picks the bus-backed revocation store because `shared` is true,
 * and names the health check `hub`.
 */
export class HubBus implements WsBus {
  readonly nodeId = randomUUID();
  readonly capabilities: WsBusCapabilities = { transport: 'hub', shared: true };
  readonly presence: HubPresence;
  readonly expiring: HubExpiringSets;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private readonly resumeListeners = new Set<() => void>();

  constructor(private readonly hub: Hub) {
    this.presence = new HubPresence(hub, this.nodeId);
    this.expiring = new HubExpiringSets(hub);
    hub.nodes.add(this);
    // "Connected": users of the bus load what was shared before this node started.
    setImmediate(() => {
      for (const listener of this.resumeListeners) listener();
    });
  }

  publish(topic: string, message: string): void {
    this.deliver(topic, message, this.nodeId);
    for (const node of this.hub.nodes) {
      if (node !== this) setImmediate(() => node.deliver(topic, message, this.nodeId));
    }
  }

  private deliver(topic: string, message: string, origin: string): void {
    for (const handler of this.handlers.get(topic) ?? []) handler(message, origin);
  }

  subscribe(topic: string, handler: BusHandler): BusSubscription {
    const handlers = this.handlers.get(topic) ?? new Set();
    this.handlers.set(topic, handlers.add(handler));
    return { ready: Promise.resolve(), unsubscribe: () => void handlers.delete(handler) };
  }

  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => void this.resumeListeners.delete(listener);
  }

  health(): BusHealth {
    return { transport: 'hub', status: 'up', nodeId: this.nodeId, undelivered: 0 };
  }

  isHealthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.hub.nodes.delete(this);
    this.presence.forgetSelf();
  }
}
