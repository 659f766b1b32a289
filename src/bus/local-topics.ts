import { type Logger } from 'pino';
import { type BusHandler } from './ws-bus.interface.js';

/**
 * This node's handlers per topic. Tells its owner when a topic gains its
 * first handler or loses its last, so the transport subscribes only to
 * topics someone here listens to.
 */
export class LocalTopics {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(private readonly logger: Logger) {}

  /** Adds a handler; `true` when it is the topic's first. */
  add(topic: string, handler: BusHandler): boolean {
    const existing = this.handlers.get(topic);
    if (existing) {
      existing.add(handler);
      return false;
    }
    this.handlers.set(topic, new Set([handler]));
    return true;
  }

  /** Removes a handler; `true` when the topic has none left. */
  remove(topic: string, handler: BusHandler): boolean {
    const existing = this.handlers.get(topic);
    if (!existing?.delete(handler)) return false;
    if (existing.size > 0) return false;
    this.handlers.delete(topic);
    return true;
  }

  topics(): IterableIterator<string> {
    return this.handlers.keys();
  }

  /** Calls every handler of `topic`; one that throws is logged and the others still run. */
  deliver(topic: string, message: string, origin: string): void {
    const handlers = this.handlers.get(topic);
    if (!handlers) return;
    for (const handler of handlers) {
      try {
        handler(message, origin);
      } catch (error) {
        this.logger.error({ err: error, topic }, 'Bus handler failed');
      }
    }
  }
}
