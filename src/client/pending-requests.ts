import { ClientErrorCode, WsClientError } from './ws-client-error.js';

interface Pending {
  readonly event: string;
  readonly frame: string;
  sent: boolean;
  /** Carries an idempotency key: sent again after a reconnect instead of failing. */
  readonly retry: boolean;
  resolve(data: unknown): void;
  reject(error: WsClientError): void;
}

/** Requests waiting for their reply, by id; each one ends once (reply, error, timeout or close). */
export class PendingRequests {
  private readonly byId = new Map<string, Pending>();

  add(
    id: string,
    event: string,
    frame: string,
    timeoutMs: number,
    retry = false,
  ): { promise: Promise<unknown>; entry: Pending } {
    let entry!: Pending;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.byId.delete(id);
        reject(
          new WsClientError(
            ClientErrorCode.TIMEOUT,
            `No reply to "${event}" within ${timeoutMs} ms`,
            {
              event,
            },
          ),
        );
      }, timeoutMs);
      const end = () => {
        clearTimeout(timer);
        this.byId.delete(id);
      };
      entry = {
        event,
        frame,
        sent: false,
        retry,
        resolve: (data) => {
          end();
          resolve(data);
        },
        reject: (error) => {
          end();
          reject(error);
        },
      };
    });
    this.byId.set(id, entry);
    return { promise, entry };
  }

  get(id: string): Pending | undefined {
    return this.byId.get(id);
  }

  /** The oldest waiting request of `event` (for servers that answer `auth` without its id). */
  oldestOf(event: string): Pending | undefined {
    for (const entry of this.byId.values()) if (entry.event === event && entry.sent) return entry;
    return undefined;
  }

  /** Frames not sent yet, in order. */
  unsent(): Pending[] {
    return [...this.byId.values()].filter((entry) => !entry.sent);
  }

  /**
   * The connection dropped (`onlySent`: the sent requests, whose replies
   * are lost; those that `retry` are kept to be sent again) or the client
   * closed (all of them).
   */
  rejectAll(error: () => WsClientError, onlySent: boolean): void {
    for (const entry of [...this.byId.values()]) {
      if (onlySent && entry.retry) entry.sent = false;
      else if (!onlySent || entry.sent) entry.reject(error());
    }
  }
}
