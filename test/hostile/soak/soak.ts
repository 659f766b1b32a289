import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { type SoakStats } from './soak-server.js';

/**
 * On-demand soak (not part of `npm test`):
 *   npm run soak -- --connections 10000 --minutes 5 [--interval-ms 5000]
 * Starts the reference app in a child process, opens the connections to
 * its `/seed/echo` gateway in batches, has each send one message per
 * interval and checks every answer, and prints the server's RSS growth
 * from the moment all connections are open to the end. Exits 1 when the
 * growth is 10% or more, or when a message went unanswered.
 */
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '5' },
    'interval-ms': { type: 'string', default: '5000' },
    batch: { type: 'string', default: '500' },
  },
});
const CONNECTIONS = Number(values.connections);
const DURATION_MS = Number(values.minutes) * 60_000;
const INTERVAL_MS = Number(values['interval-ms']);
const BATCH = Number(values.batch);
const MiB = 1024 * 1024;

const counts = { sent: 0, answered: 0, wrong: 0, unexpectedCloses: 0 };
let stopping = false;

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./soak-server.js', import.meta.url)), {
    execArgv: ['--expose-gc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Server exited with ${code}`)));
    child.once('message', (message: { type: string; port: number }) =>
      resolve({ child, port: message.port }),
    );
  });
}

function stats(child: ChildProcess): Promise<SoakStats> {
  return new Promise((resolve) => {
    child.once('message', (message: SoakStats) => resolve(message));
    child.send({ type: 'stats' });
  });
}

function open(port: number, index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/seed/echo`);
    let expected: string | undefined;
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.on('message', (data) => {
      if (data.toString() === expected) counts.answered += 1;
      else counts.wrong += 1;
      expected = undefined;
    });
    socket.on('close', () => {
      if (!stopping) counts.unexpectedCloses += 1;
    });
    // Steady traffic: one message per interval, spread over the interval.
    let n = 0;
    const tick = () => {
      if (stopping || socket.readyState !== WebSocket.OPEN) return;
      if (expected !== undefined) counts.wrong += 1; // the previous one went unanswered
      const text = `soak ${index} ${n++}`;
      expected = `Server received: ${text}`;
      socket.send(text);
      counts.sent += 1;
    };
    setTimeout(() => {
      tick();
      setInterval(tick, INTERVAL_MS).unref();
    }, Math.random() * INTERVAL_MS).unref();
  });
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const { child, port } = await startServer();
  const idle = await stats(child);
  console.log(`server up on 127.0.0.1:${port}, idle RSS ${mib(idle.rss)}`);
  const sockets: WebSocket[] = [];
  const openStarted = Date.now();
  for (let start = 0; start < CONNECTIONS; start += BATCH) {
    const size = Math.min(BATCH, CONNECTIONS - start);
    sockets.push(
      ...(await Promise.all(Array.from({ length: size }, (_, i) => open(port, start + i)))),
    );
  }
  // One full interval of traffic before the baseline, so buffers and caches are warm.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 1000));
  const baseline = await stats(child);
  console.log(
    `${baseline.connections} connections open in ${((Date.now() - openStarted) / 1000).toFixed(1)} s; ` +
      `baseline RSS ${mib(baseline.rss)}, heap ${mib(baseline.heapUsed)}`,
  );
  const ends = Date.now() + DURATION_MS;
  let last = baseline;
  while (Date.now() < ends) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, ends - Date.now())));
    last = await stats(child);
    console.log(
      `  t+${Math.round((Date.now() - (ends - DURATION_MS)) / 1000)} s: RSS ${mib(last.rss)}, heap ${mib(last.heapUsed)}, ` +
        `${last.connections} connections, ${counts.sent} sent, ${counts.answered} answered`,
    );
  }
  stopping = true;
  for (const socket of sockets) socket.terminate();
  const growth = ((last.rss - baseline.rss) / baseline.rss) * 100;
  console.log(
    `RSS growth over ${values.minutes} min with ${CONNECTIONS} connections: ${growth.toFixed(1)}% ` +
      `(${mib(baseline.rss)} → ${mib(last.rss)}); heap ${mib(baseline.heapUsed)} → ${mib(last.heapUsed)}; ` +
      `${counts.sent} messages sent, ${counts.answered} answered, ${counts.wrong} wrong or unanswered, ` +
      `${counts.unexpectedCloses} unexpected closes`,
  );
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
  // The last message of each socket may still have been in flight at the end.
  const ok =
    growth < 10 &&
    counts.wrong === 0 &&
    counts.unexpectedCloses === 0 &&
    last.connections === CONNECTIONS;
  console.log(ok ? 'SOAK PASSED' : 'SOAK FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
