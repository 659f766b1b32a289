/**
 * A node's CPU per room message published on NATS to a subject it is
 * subscribed to itself (it has members of the room), with the server
 * echoing its own messages back (NATS's default, which `NatsBus` used and
 * then dropped by origin) against `noEcho` (the server sends none back),
 * one message per loop turn (a paced sender) and 16 per turn (a burst):
 * `tsc -p tsconfig.bench.json && node build/bench/micro/nats-echo.js`.
 *
 * Process CPU per message (user + system: the reads of the echoes count),
 * until every echo is in (or, without echoes, a flush round trip is back).
 * Rounds alternate the cases; compare within a round.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsServer } from '../../src/testing/nats-server.js';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 20_000);
const ROUNDS = 3;
const FRAME = `node|{"event":"room.message","data":{"room":"lobby","from":"u","text":"0:1.5","at":1}}`;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** A connection subscribed to its own subject, counting what it receives there. */
async function node(url: string, noEcho: boolean) {
  const subject = `ws.t.${noEcho ? 'quiet' : 'echoed'}`;
  const connection: NatsConnection = await connect({ servers: url, noEcho });
  let received = 0;
  connection.subscribe(subject, {
    callback: (_error, message) => {
      message.string(); // as NatsBus reads each message before it checks the origin
      received += 1;
    },
  });
  await connection.flush();
  return { connection, subject, noEcho, received: () => received };
}

type Node = Awaited<ReturnType<typeof node>>;

async function publish(target: Node, count: number, perTurn: number): Promise<number> {
  const before = target.received();
  const started = cpuMicros();
  for (let i = 0; i < count; i += perTurn) {
    for (let j = 0; j < perTurn; j++) target.connection.publish(target.subject, FRAME);
    await turn();
  }
  await target.connection.flush();
  while (!target.noEcho && target.received() - before < count) await turn();
  return (cpuMicros() - started) / count;
}

async function main(): Promise<void> {
  const nats = await NatsServer.start();
  const echoed = await node(nats.url, false);
  const quiet = await node(nats.url, true);
  const cases: Array<[string, (count: number) => Promise<number>]> = [
    ['x1/turn echoed', (count) => publish(echoed, count, 1)],
    ['x1/turn noEcho', (count) => publish(quiet, count, 1)],
    ['x16/turn echoed', (count) => publish(echoed, count, 16)],
    ['x16/turn noEcho', (count) => publish(quiet, count, 16)],
  ];
  try {
    for (const [, run] of cases) await run(MESSAGES / 10); // warm-up
    for (let round = 1; round <= ROUNDS; round++) {
      const figures: string[] = [];
      for (const [name, run] of cases)
        figures.push(`${name} ${(await run(MESSAGES)).toFixed(1)} µs`);
      process.stdout.write(`round ${round}: ${figures.join(' | ')}\n`);
    }
    if (quiet.received() !== 0) throw new Error(`noEcho received ${quiet.received()} of its own`);
  } finally {
    await Promise.all([echoed.connection.close(), quiet.connection.close()]);
    await nats.dispose();
  }
}

await main();
