import { Command, type Redis } from 'ioredis';

/**
 * The `PUBLISH` commands of one event loop turn, written to Redis together
 * in the turn's check phase: one write for every room message the turn's
 * handlers sent (the replies to a burst of frames, the messages of several
 * sockets read in one poll), each still its own `PUBLISH` (same channel
 * payloads, so every node reads them as before), in the order published.
 *
 * Written straight with `sendCommand`, around ioredis' auto-pipelining,
 * which builds a `Pipeline` per tick and settles each command through it.
 */
export class RedisPublishBatch {
  private queued: string[] = [];

  constructor(
    private readonly connection: Redis,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Queues one `PUBLISH channel payload` for the end of this loop turn. */
  add(channel: string, payload: string): void {
    if (this.queued.length === 0) setImmediate(this.flush);
    this.queued.push(channel, payload);
  }

  private readonly flush = (): void => {
    const queued = this.queued;
    this.queued = [];
    const stream = queued.length > 2 ? this.connection.stream : undefined;
    stream?.cork();
    try {
      for (let i = 0; i < queued.length; i += 2) {
        const command = new Command('publish', [queued[i] as string, queued[i + 1] as string]);
        command.promise.catch(this.failed);
        this.connection.sendCommand(command);
      }
    } finally {
      stream?.uncork();
    }
  };
}
