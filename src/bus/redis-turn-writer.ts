import { Command, type Redis } from 'ioredis';

const writers = new WeakMap<Redis, RedisTurnWriter>();

/**
 * The commands of one event loop turn on one Redis connection (the bus's
 * room messages, the history store's scripts), written together in the
 * turn's check phase: one write for every message the turn's handlers sent
 * (the frames of a TCP read, the messages of several sockets read in one
 * poll), each still its own command with its own reply, in the order sent.
 *
 * Written straight with `sendCommand`, around ioredis' auto-pipelining,
 * which builds a `Pipeline` per tick and settles each command through it.
 */
export class RedisTurnWriter {
  private queued: Command[] = [];

  private constructor(private readonly connection: Redis) {}

  /** The one writer of a connection, so that everything sent through it keeps its order. */
  static of(connection: Redis): RedisTurnWriter {
    let writer = writers.get(connection);
    if (!writer) {
      writer = new RedisTurnWriter(connection);
      writers.set(connection, writer);
    }
    return writer;
  }

  /** Queues a command for the end of this loop turn; its reply, as `sendCommand` gives it. */
  send(command: Command): Promise<unknown> {
    if (this.queued.length === 0) setImmediate(this.flush);
    this.queued.push(command);
    return command.promise;
  }

  /** `PUBLISH channel payload` at the end of this loop turn. */
  publish(channel: string, payload: string): Promise<unknown> {
    return this.send(new Command('publish', [channel, payload]));
  }

  /** `EVAL` of a script at the end of this loop turn, bulk replies as strings. */
  eval(script: string, args: Array<string | number>): Promise<unknown> {
    return this.send(new Command('eval', [script, ...args], { replyEncoding: 'utf8' }));
  }

  private readonly flush = (): void => {
    const queued = this.queued;
    this.queued = [];
    const stream = queued.length > 1 ? this.connection.stream : undefined;
    stream?.cork();
    try {
      for (const command of queued) this.connection.sendCommand(command);
    } finally {
      stream?.uncork();
    }
  };
}
