/**
 * (6) Cross-node delivery through Redis, at the rate that loads node A to
 * half a core.
 *
 * A real `redis-server` (free loopback port, no persistence) and two server
 * processes, node A and node B: the module with `redis: { url }`, Socket.IO
 * with `@socket.io/redis-adapter` (one Redis per server kind). SENDERS
 * connections on A and RECEIVERS connections on B join one room; the
 * senders send `room.send` (as the reference app's: RoomMessageDto,
 * membership check, `room.message { room, from, text, at }` to every member
 * on every node) at a fixed total rate (`--rate`, default 10k msg/s), paced
 * by a timer (every TICK_MS, as many as the clock says are due), each
 * message's `text` carrying its sequence number and its send time
 * (`performance.now()` of this process). The receivers take the one-way
 * latency A -> Redis -> B -> client on the same clock.
 *
 * Then the same at the same rate within one node: receivers on A too (local
 * delivery does not go through Redis), as a baseline row; A -> B again
 * on two nodes whose rooms keep history (each message stored by one Lua
 * script in Redis and delivered with `pos`): the cost of history; and, for
 * the module, A -> B on two nodes on a real `nats-server` (`NatsBus`,
 * pinned to the servers' core as Redis is), with its own CPU pairs: the
 * cost of a bus that sends nothing back for a publish.
 *
 * Each run: warm-up (`--warmup`), measured `--duration`, then a bounded drain.
 * Only messages sent during the measured window count; every receiver should
 * get each of them: undelivered = sent x receivers - received.
 *
 * The rate: unless `--rate` fixes it, the harness first measures node A's
 * CPU per `room.send` (a short run at CALIBRATION_RATE) and then runs at the
 * rate that costs A half a core (0.5 s of CPU per second / CPU per message),
 * so the target means the same on a slow and on a fast machine. Those probe
 * runs are also the warm-up of each fresh pair of nodes (the pair with
 * history too, and with `--rate`): until V8 has optimized the room-send path,
 * some thousands of messages in, node A's scavenges find about 2 MB alive
 * each and take 10-17 ms (BENCHMARKS.md), which is start-up, not the steady
 * state the p99 target is about. Node A's CPU
 * per echo is measured twice: under a windowed load (many frames per read
 * and write, as in scenario 1), and paced exactly like the room sends (the
 * same SENDERS connections, the same timer, the same rate), so that each
 * echo pays the wakeups a paced `room.send` pays.
 *
 * The CPU target is judged on CPU_PAIRS pairs, after the latency rows: in
 * each, CPU_PAIR_MS of paced room sends and CPU_PAIR_MS of paced echoes on
 * node A at the row's rate, one right after the other (the order swapped
 * every pair), and the pair's ratio; the target reads the median ratio. On
 * a VM the cost of a wakeup moves by 2x within minutes (paced echoes read
 * 22-54 µs in one session): one echo window set against a room-send window
 * measured a minute earlier judged that drift as much as the module.
 *
 * Before each latency row a probe spins STALL_PROBE_S on the servers' core
 * (lib/stall-probe.ts); the row's notes say how often the machine stopped
 * it for 5 ms or more, which a p99 of a few ms cannot hide.
 *
 * result: messages per second delivered to each receiver; p50 / p99 (and
 * max in the notes) of the one-way latency. Raw ws and stock Nest have no
 * rooms across nodes: n/a.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { NatsServer } from '../../src/testing/nats-server.js';
import { closeAll, connect, openMany, sourceAddress } from '../lib/client.js';
import { dialectOf } from '../lib/dialect.js';
import { formatMs, formatPercent, formatRate } from '../lib/format.js';
import { WindowedLoad } from '../lib/load.js';
import { describeMajorGcs, majorGcsBetween } from '../lib/major-gcs.js';
import { summarize } from '../lib/paired-verdict.js';
import type { CpuSample, ServerKind } from '../lib/protocol.js';
import { processCpuMicros, RedisServer } from '../lib/redis-server.js';
import type { Measurement, Scenario, ScenarioContext } from '../lib/scenario.js';
import { startServer } from '../lib/scenario.js';
import { cpuFraction, type ServerProcess } from '../lib/server-process.js';
import { describeStalls, STALL_PROBE_S, stallsOn } from '../lib/stall-probe.js';
import { CpuMeter, LatencyHistogram, sleep } from '../lib/stats.js';
import { machineCpu } from '../lib/system.js';

/**
 * Two of each: the senders are members too (they get every message back
 * from A), so each message costs A 2 local sends and B 2 sends. With both
 * nodes and Redis on the servers' one core, 4 + 4 already kept that core
 * near 100% at 10k msg/s (queues, p99 in the tens of ms): that measured the
 * VM, not the module.
 */
const SENDERS = 2;
const RECEIVERS = 2;
const TICK_MS = 1;
const DRAIN_MS = 2000;
/** Linear ramp from 0 to the rate, then at least MIN_HOLD_S s at the rate, before measuring. */
const RAMP_MS = 1000;
const MIN_HOLD_S = 2;
const MEASURE_FACTOR = 2;
const JOIN_TIMEOUT_MS = 5000;
const ROOM = 'cross-node';
const TARGET_P99_MS = 5;
/** Node A's CPU per `room.send` may be at most this multiple of its CPU per echo. */
const TARGET_CPU_RATIO = 2;
/** Share of one core node A spends at the measured rate. */
const HALF_CORE = 0.5;
/** Rate of the short run that measures A's CPU per `room.send`. */
const CALIBRATION_RATE = 1000;
/**
 * Three: after start-up node A's scavenges found about 2 MB alive each for
 * 8-12 s of room sends at 1,000-1,500 msg/s (until V8 had optimized the
 * path), and two probes take 11 s.
 */
const PROBES = 3;
const ECHO_CONNECTIONS = 8;
const ECHO_MS = 2000;
/** Pairs of paced windows (room sends, echoes) the CPU target reads; 6 give the median a 95% interval. */
const CPU_PAIRS = 6;
const CPU_PAIR_HOLD_MS = 1500;
const CPU_PAIR_MS = 3000;

/** Joins the room and waits for the answer (no other traffic yet). */
function join(ws: WebSocket, kind: ServerKind, id: number): Promise<void> {
  const dialect = dialectOf(kind);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error('room.join not answered in time'));
    }, JOIN_TIMEOUT_MS);
    const onMessage = (data: Buffer) => {
      if (dialect.isControl(data)) return;
      const joined = dialect.joined(data, id);
      if (joined === undefined) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      if (joined) resolve();
      else reject(new Error(`room.join answered ${data.toString().slice(0, 200)}`));
    };
    ws.on('message', onMessage);
    ws.send(dialect.joinFrame(id, ROOM));
  });
}

/**
 * Node A's CPU per echo (µs) paced like the room sends: SENDERS connections
 * on A, `rate` echo frames per second in all, sent by a timer every TICK_MS
 * (as many as are due), replies only counted.
 */
async function cpuPerPacedEcho(node: ServerProcess, rate: number): Promise<number> {
  const dialect = dialectOf(node.kind);
  const senders: WebSocket[] = [];
  try {
    for (let i = 0; i < SENDERS; i++) {
      senders.push(await connect(node, { localAddress: sourceAddress(i) }));
    }
    let replies = 0;
    for (const ws of senders) {
      ws.on('message', (data: Buffer) => {
        if (!dialect.isControl(data)) replies++;
      });
    }
    let sent = 0;
    const start = performance.now();
    let cpu0: CpuSample | undefined;
    let measured = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = performance.now() - start;
        const due = Math.floor((rate / 1000) * elapsed);
        while (sent < due) {
          (senders[sent % SENDERS] as WebSocket).send(dialect.echoFrame(sent));
          sent++;
        }
        if (elapsed >= CPU_PAIR_HOLD_MS && cpu0 === undefined) {
          measured = sent;
          void node.cpu().then((sample) => {
            cpu0 = sample;
          });
        }
        if (elapsed >= CPU_PAIR_HOLD_MS + CPU_PAIR_MS) {
          measured = sent - measured;
          resolve();
          return;
        }
        setTimeout(tick, TICK_MS);
      };
      tick();
    });
    const cpu1 = await node.cpu();
    const until = performance.now() + DRAIN_MS;
    while (replies < sent && performance.now() < until) await sleep(10);
    return cpu0 && measured > 0 ? (cpu1.cpuMicros - cpu0.cpuMicros) / measured : Number.NaN;
  } finally {
    closeAll(senders);
    await sleep(300);
  }
}

/** Node A's CPU per echo (µs): a short windowed echo load on A alone. */
async function cpuPerEcho(ctx: ScenarioContext, node: ServerProcess): Promise<number> {
  const dialect = dialectOf(node.kind);
  const sockets = await openMany(node, ECHO_CONNECTIONS);
  try {
    const load = new WindowedLoad(sockets, {
      window: ctx.config.window,
      frame: dialect.echoFrame,
      replyOk: dialect.replyCheck('echo'),
      isControl: dialect.isControl,
    });
    load.start();
    await sleep(500);
    const cpu0 = await node.cpu();
    load.beginMeasure();
    await sleep(ECHO_MS);
    load.endMeasure();
    const cpu1 = await node.cpu();
    await load.stop();
    const { count } = load.result();
    return count > 0 ? (cpu1.cpuMicros - cpu0.cpuMicros) / count : Number.NaN;
  } finally {
    closeAll(sockets);
  }
}

/** The server the nodes share rooms through, and the name its CPU goes by in the notes. */
interface Broker {
  readonly label: 'redis' | 'nats';
  readonly server: { readonly pid: number | undefined };
}

interface Nodes {
  a: ServerProcess;
  b: ServerProcess;
  broker: Broker;
}

interface CpuSnapshot {
  a: CpuSample;
  b: CpuSample;
  brokerMicros: number | undefined;
  machineTasksMs: number | undefined;
  at: number;
}

async function cpuSnapshot(nodes: Nodes): Promise<CpuSnapshot> {
  const [a, b] = await Promise.all([nodes.a.cpu(), nodes.b.cpu()]);
  return {
    a,
    b,
    brokerMicros: processCpuMicros(nodes.broker.server.pid),
    machineTasksMs: machineCpu()?.tasksMs,
    at: performance.now(),
  };
}

/**
 * One run at the configured rate: senders on A, receivers on `receiversOn`.
 * Returns the measurement of the receivers.
 */
async function runOnce(
  nodes: Nodes,
  receiversOn: ServerProcess,
  label: string,
  run: { rate: number; holdS: number; durationS: number },
): Promise<Measurement> {
  const { rate, durationS } = run;
  const kind = nodes.a.kind;
  const dialect = dialectOf(kind);
  const sendFrame = (seq: number, at: number) =>
    dialect.roomSendFrame(ROOM, `${seq}:${at.toFixed(3)}`);
  const senders: WebSocket[] = [];
  const receivers: WebSocket[] = [];
  const hist = new LatencyHistogram();
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  let received = 0;
  let overTarget = 0;
  let errors = 0;
  let firstError = '';
  let sent = 0;
  try {
    for (let i = 0; i < SENDERS; i++) {
      senders.push(await connect(nodes.a, { localAddress: sourceAddress(i) }));
    }
    for (let i = 0; i < RECEIVERS; i++) {
      receivers.push(await connect(receiversOn, { localAddress: sourceAddress(SENDERS + i) }));
    }
    let id = 0;
    await Promise.all([...senders, ...receivers].map((ws) => join(ws, kind, ++id)));

    const onError = (text: string) => {
      errors++;
      if (!firstError) firstError = text.slice(0, 160);
    };
    for (const ws of receivers) {
      ws.on('message', (data: Buffer) => {
        const now = performance.now();
        if (dialect.isControl(data)) return;
        const frame = dialect.event(data);
        const text =
          frame?.event === 'room.message'
            ? (frame.data as { text?: string } | undefined)?.text
            : undefined;
        if (text === undefined) {
          onError(data.toString());
          return;
        }
        const colon = text.indexOf(':');
        const seq = Number(text.slice(0, colon));
        if (seq < measureFrom || seq >= measureTo) return; // warm-up, or after the window
        received++;
        const ms = now - Number(text.slice(colon + 1));
        hist.recordMs(ms);
        if (ms >= TARGET_P99_MS) overTarget++;
      });
    }
    // The senders are members too (the reference app's room.send requires
    // it): they get every message from A locally, and only look for errors.
    for (const ws of senders) {
      ws.on('message', (data: Buffer) => {
        if (dialect.isControl(data)) return;
        if (dialect.event(data)?.event !== 'room.message') onError(data.toString());
      });
    }

    const gen = new CpuMeter();
    let cpu0: CpuSnapshot | undefined;
    let cpu1: CpuSnapshot | undefined;
    let lateTicks = 0;
    let longestGap = 0;
    const start = performance.now();
    // Cold nodes (JIT, first Redis round trips) fall behind a full-rate
    // start and need seconds to drain the queue: ramp up, then hold.
    const measureAt = start + RAMP_MS + run.holdS * 1000;
    const endAt = measureAt + durationS * 1000;
    let measuredFromMs = 0;
    let measuredToMs = 0;
    await new Promise<void>((resolve) => {
      let last = start;
      const tick = () => {
        const now = performance.now();
        if (now - last > TICK_MS + 5) lateTicks++;
        if (now >= measureAt && now - last > longestGap) longestGap = now - last;
        last = now;
        const elapsed = now - start;
        const due = Math.floor(
          (rate / 1000) *
            (elapsed < RAMP_MS ? (elapsed * elapsed) / (2 * RAMP_MS) : elapsed - RAMP_MS / 2),
        );
        while (sent < due) {
          (senders[sent % SENDERS] as WebSocket).send(sendFrame(sent, performance.now()));
          sent++;
        }
        // The window: what is due after the tick that starts it, up to the
        // tick that ends it (both after their sends, so the catch-up of a
        // late tick counts on one side only).
        if (now >= measureAt && measureFrom === Number.POSITIVE_INFINITY) {
          measureFrom = sent;
          measuredFromMs = now;
          gen.reset();
          void cpuSnapshot(nodes).then((s) => {
            cpu0 = s;
          });
        }
        if (now >= endAt) {
          measureTo = sent;
          measuredToMs = now;
          resolve();
          return;
        }
        setTimeout(tick, TICK_MS);
      };
      tick();
    });
    const genCpu = gen.fraction();
    cpu1 = await cpuSnapshot(nodes);
    const expected = (measureTo - measureFrom) * RECEIVERS;
    const drainUntil = performance.now() + DRAIN_MS;
    while (received < expected && performance.now() < drainUntil) await sleep(10);

    const seconds = (measuredToMs - measuredFromMs) / 1000;
    const undelivered = expected - received;
    const notes: string[] = [];
    const warnings: string[] = [];
    if (undelivered > 0) {
      warnings.push(
        `${undelivered} of ${expected} deliveries missing after a ${DRAIN_MS} ms drain`,
      );
    }
    if (errors > 0) warnings.push(`${errors} unexpected frames, first: ${firstError}`);
    const sentRate = (measureTo - measureFrom) / seconds;
    /** CPU per message sent, from a fraction of one core. */
    const perMessage = (fraction: number) => `${((fraction * 1e6) / sentRate).toFixed(1)} µs/msg`;
    if (sentRate < rate * 0.98) {
      warnings.push(`generator sent only ${formatRate('msg/s')(sentRate)} of ${rate}`);
    }
    notes.push(
      `max ${formatMs(hist.maxMs())}, ${((overTarget / Math.max(received, 1)) * 100).toFixed(2)}% >= ${TARGET_P99_MS} ms`,
      `sent ${formatRate('msg/s')(sentRate)} over ${SENDERS} conns, ${RECEIVERS} receivers on ${label}, ${received} of ${expected} deliveries, undelivered ${undelivered}`,
    );
    if (cpu0 && cpu1) {
      const a = cpuFraction(cpu0.a, cpu1.a);
      const b = cpuFraction(cpu0.b, cpu1.b);
      const wallMs = cpu1.at - cpu0.at;
      const broker =
        cpu0.brokerMicros !== undefined && cpu1.brokerMicros !== undefined
          ? (cpu1.brokerMicros - cpu0.brokerMicros) / 1000 / wallMs
          : Number.NaN;
      const parts = [
        `cpu A ${formatPercent(a)} (${perMessage(a)}) B ${formatPercent(b)} (${perMessage(b)}) ${nodes.broker.label} ${formatPercent(broker)}`,
      ];
      parts.push(`gen ${formatPercent(genCpu)}`);
      if (cpu0.machineTasksMs !== undefined && cpu1.machineTasksMs !== undefined) {
        const all = (cpu1.machineTasksMs - cpu0.machineTasksMs) / wallMs;
        const other = Math.max(0, all - a - b - (Number.isFinite(broker) ? broker : 0) - genCpu);
        parts.push(`other ${formatPercent(other)}`);
      }
      notes.push(parts.join(' '));
      const inWindow = (from: CpuSample, to: CpuSample) =>
        majorGcsBetween(to.majorGcs ?? [], from.at, to.at);
      notes.push(
        `major GCs in the window: ${describeMajorGcs('A', inWindow(cpu0.a, cpu1.a))}, ${describeMajorGcs('B', inWindow(cpu0.b, cpu1.b))}`,
      );
    }
    if (lateTicks > 0) {
      notes.push(
        `timer ticks > ${TICK_MS + 5} ms late: ${lateTicks}, longest gap ${formatMs(longestGap)}`,
      );
    }
    return {
      value: received / RECEIVERS / seconds,
      p50Ms: hist.percentileMs(50),
      p99Ms: hist.percentileMs(99),
      facts: {
        rate,
        sentRate,
        undelivered,
        maxMs: hist.maxMs(),
        aMicrosPerMessage:
          cpu0 && cpu1 ? (cpuFraction(cpu0.a, cpu1.a) * 1e6) / sentRate : Number.NaN,
      },
      notes,
      warnings,
    };
  } finally {
    closeAll([...senders, ...receivers]);
    // Let both nodes see the members leave (and B unsubscribe) before the next run.
    await sleep(300);
  }
}

/**
 * PROBES runs A -> B at CALIBRATION_RATE on a fresh pair of nodes: node A's
 * CPU per `room.send` in each (those > 0), and the pair's warm-up.
 */
async function probe(ctx: ScenarioContext, kind: ServerKind, nodes: Nodes): Promise<number[]> {
  const figures: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const m = await runOnce(nodes, nodes.b, 'B', {
      rate: CALIBRATION_RATE,
      holdS: 2,
      durationS: 3,
    });
    const us = m.facts?.aMicrosPerMessage ?? Number.NaN;
    ctx.log(`  ${kind}: probe at ${CALIBRATION_RATE} msg/s: A ${us.toFixed(1)} µs/room.send`);
    if (us > 0) figures.push(us);
  }
  return figures;
}

/** Node A's CPU per paced `room.send` and per paced echo, window by window. */
interface CpuPairs {
  roomSendUs: number[];
  echoUs: number[];
}

/**
 * CPU_PAIRS pairs of windows on node A at `rate`: paced room sends (A -> B)
 * and paced echoes, one right after the other, the order swapped every
 * pair so that a drift of the machine weighs on both sides alike.
 */
async function cpuPairs(ctx: ScenarioContext, nodes: Nodes, rate: number): Promise<CpuPairs> {
  const pairs: CpuPairs = { roomSendUs: [], echoUs: [] };
  const roomSend = async () =>
    (
      await runOnce(nodes, nodes.b, 'B', {
        rate,
        holdS: CPU_PAIR_HOLD_MS / 1000,
        durationS: CPU_PAIR_MS / 1000,
      })
    ).facts?.aMicrosPerMessage ?? Number.NaN;
  for (let i = 0; i < CPU_PAIRS; i++) {
    let sendUs: number;
    let echoUs: number;
    if (i % 2 === 0) {
      sendUs = await roomSend();
      echoUs = await cpuPerPacedEcho(nodes.a, rate);
    } else {
      echoUs = await cpuPerPacedEcho(nodes.a, rate);
      sendUs = await roomSend();
    }
    pairs.roomSendUs.push(sendUs);
    pairs.echoUs.push(echoUs);
    ctx.log(
      `  ${nodes.a.kind}: pair ${i + 1}: A ${sendUs.toFixed(1)} µs/room.send, ${echoUs.toFixed(1)} µs/echo: ${(sendUs / echoUs).toFixed(2)}x`,
    );
  }
  return pairs;
}

/** The medians of a row's CPU pairs, and the spread of their ratios. */
function pairFigures(pairs: CpuPairs) {
  const pacedEchoUs = summarize(pairs.echoUs).median;
  const ratio = summarize(pairs.roomSendUs.map((us, i) => us / (pairs.echoUs[i] as number)));
  return {
    roomSendUs: summarize(pairs.roomSendUs).median,
    ratio,
    /** What the notes say of the pairs, after `A cpu/room.send <µs>`. */
    spread: `median of ${ratio.n} pairs; paced echo ${pacedEchoUs.toFixed(1)} µs; room send / echo per pair: median ${ratio.median.toFixed(2)}x, ${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)}x`,
    pacedEchoUs,
    list: `CPU pairs (room send, paced echo, µs): ${pairs.roomSendUs.map((us, i) => `${us.toFixed(1)}/${(pairs.echoUs[i] as number).toFixed(1)}`).join(', ')}`,
  };
}

type LatencyRow = (on: Nodes, receiversOn: ServerProcess, label: string) => Promise<Measurement>;

/**
 * The module's nodes on NATS at the row's rate: the same room sends, A -> NATS
 * -> B, and their own CPU pairs. NATS acknowledges no publish and, with the
 * bus's `noEcho`, sends node A none of its own messages back: A writes each
 * loop turn's messages and is not woken again for them, as it is on Redis
 * (the `PUBLISH` replies and its own copies).
 */
async function natsRow(ctx: ScenarioContext, rate: number, latencyRow: LatencyRow) {
  const nats = await NatsServer.start({ cpu: ctx.serverCpu });
  const servers: ServerProcess[] = [];
  try {
    const options = { auth: false, natsUrl: nats.url, watchGc: true };
    for (let i = 0; i < 2; i++) servers.push(await startServer(ctx, 'module', options));
    const nodes: Nodes = {
      a: servers[0] as ServerProcess,
      b: servers[1] as ServerProcess,
      broker: { label: 'nats', server: nats },
    };
    ctx.log(
      `  module: on NATS (port ${nats.port}): node A pid ${nodes.a.pid}, B pid ${nodes.b.pid}`,
    );
    await probe(ctx, 'module', nodes);
    ctx.log(`  module: A -> NATS -> B at ${rate} msg/s ...`);
    const row = await latencyRow(nodes, nodes.b, 'B');
    ctx.log(`  module: ${CPU_PAIRS} pairs of paced room sends and echoes on A, on NATS ...`);
    const figures = pairFigures(await cpuPairs(ctx, nodes, rate));
    row.notes.unshift(`A cpu/room.send ${figures.roomSendUs.toFixed(1)} µs (${figures.spread})`);
    row.notes.push(figures.list);
    return row;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await nats.dispose();
  }
}

/**
 * Both nodes of one server kind on one Redis: echo CPU, calibration, A -> B,
 * within A, CPU pairs; for the module, rooms with history, then two nodes
 * on NATS.
 */
async function runKind(ctx: ScenarioContext, kind: ServerKind): Promise<Measurement> {
  let redis: RedisServer | undefined;
  const servers: ServerProcess[] = [];
  try {
    // Redis is server-side work: it shares the servers' core.
    redis = await RedisServer.start({ cpu: ctx.serverCpu });
    const options = { auth: false, redisUrl: redis.url, watchGc: true };
    // One at a time, so that a failed start leaves nothing behind.
    for (let i = 0; i < 2; i++) servers.push(await startServer(ctx, kind, options));
    const nodes: Nodes = {
      a: servers[0] as ServerProcess,
      b: servers[1] as ServerProcess,
      broker: { label: 'redis', server: redis },
    };
    ctx.log(
      `  ${kind}: redis on port ${redis.port}; node A pid ${nodes.a.pid}, B pid ${nodes.b.pid}`,
    );
    const echoUs = await cpuPerEcho(ctx, nodes.a);
    let rate = ctx.config.rate;
    let calibrated: number | undefined;
    let probeWarning: string | undefined;
    // The lowest probe figure kept: the first one after start-up pays
    // for JIT and first connections, and on a shared VM a descheduled vCPU
    // can be charged to the process that was running (CPU above 100%).
    const figures = await probe(ctx, kind, nodes);
    if (rate === undefined) {
      if (figures.length === 0) throw new Error('could not measure node A CPU per room.send');
      calibrated = Math.min(...figures);
      if ((calibrated * CALIBRATION_RATE) / 1e6 > 1) {
        probeWarning = `node A above a core in the probes (${calibrated.toFixed(0)} µs/room.send at ${CALIBRATION_RATE} msg/s): CPU figures not to be trusted`;
      }
      rate = Math.round((HALF_CORE * 1e6) / calibrated);
    }
    // A p99 over 5 s moves a lot with one GC pause in or out of the window:
    // measure twice --duration (10 s at the default).
    const run = {
      rate,
      holdS: Math.max(ctx.config.warmupS, MIN_HOLD_S),
      durationS: ctx.config.durationS * MEASURE_FACTOR,
    };
    // Each latency row notes how often the machine stopped the servers' core just before it.
    const latencyRow = async (on: Nodes, receiversOn: ServerProcess, label: string) => {
      const stalls = await stallsOn(ctx.serverCpu, STALL_PROBE_S);
      const measured = await runOnce(on, receiversOn, label, run);
      measured.notes.push(describeStalls("servers' core", stalls));
      return measured;
    };
    ctx.log(`  ${kind}: A -> Redis -> B at ${rate} msg/s ...`);
    const cross = await latencyRow(nodes, nodes.b, 'B');
    ctx.log(`  ${kind}: within node A at ${rate} msg/s ...`);
    const local = await latencyRow(nodes, nodes.a, 'A');
    ctx.log(
      `  ${kind}: ${CPU_PAIRS} pairs of paced room sends and echoes on A at ${rate} msg/s ...`,
    );
    const { roomSendUs, pacedEchoUs, ratio, spread, list } = pairFigures(
      await cpuPairs(ctx, nodes, rate),
    );
    cross.facts = {
      ...cross.facts,
      echoUs: pacedEchoUs,
      cpuRatio: ratio.median,
      windowedEchoUs: echoUs,
      halfCore: calibrated === undefined ? 0 : 1,
    };
    cross.secondary = {
      label: 'A cpu/room.send',
      value: roomSendUs,
      format: (us) =>
        `${us.toFixed(1)} µs (${spread}; windowed echo ${echoUs.toFixed(1)} µs: ${(us / echoUs).toFixed(2)}x)`,
    };
    cross.notes.push(list);
    cross.notes.unshift(
      calibrated === undefined
        ? `rate fixed by --rate`
        : `rate = half a core of A at ${calibrated.toFixed(1)} µs/room.send (best of ${PROBES} probes at ${CALIBRATION_RATE} msg/s)`,
    );
    if (probeWarning) cross.warnings.push(probeWarning);
    const oneNode = kind === 'module' ? 'module, one node' : 'Socket.IO, one node';
    cross.extraRows = [{ label: oneNode, measurement: local }];
    if (kind === 'module') {
      // The same rate with rooms that keep history: the cost of storing each message
      // (one Lua script: offset, XADD, trim, PUBLISH) and of `pos` in every frame.
      await Promise.all(servers.splice(0).map((s) => s.stop()));
      for (let i = 0; i < 2; i++) {
        servers.push(await startServer(ctx, kind, { ...options, history: true }));
      }
      const withHistory: Nodes = {
        a: servers[0] as ServerProcess,
        b: servers[1] as ServerProcess,
        broker: { label: 'redis', server: redis },
      };
      ctx.log(
        `  ${kind}: with history: node A pid ${withHistory.a.pid}, B pid ${withHistory.b.pid}`,
      );
      await probe(ctx, kind, withHistory);
      ctx.log(`  ${kind}: A -> Redis -> B at ${rate} msg/s, rooms with history ...`);
      const history = await latencyRow(withHistory, withHistory.b, 'B');
      cross.extraRows.push({ label: 'module, rooms with history', measurement: history });
      await Promise.all(servers.splice(0).map((s) => s.stop()));
      cross.extraRows.push({
        label: 'module, NATS bus',
        measurement: await natsRow(ctx, rate, latencyRow),
      });
    }
    return cross;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.stop();
  }
}

async function runAll(
  ctx: ScenarioContext,
  kinds: ServerKind[],
): Promise<Map<ServerKind, Measurement | Error>> {
  const results = new Map<ServerKind, Measurement | Error>();
  for (const kind of kinds) {
    try {
      results.set(kind, await runKind(ctx, kind));
    } catch (err) {
      results.set(kind, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return results;
}

export const crossNode: Scenario = {
  number: 6,
  id: 'cross-node',
  title: 'cross-node via Redis',
  metric: { unit: 'msg/s', format: formatRate('msg/s'), higherIsBetter: true },
  latency: 'one-way send -> receiver, A -> Redis -> B (baseline row: within A)',
  noRatio: true,
  // Rates differ per server (half a core of each one's node A): compare CPU per room.send.
  ahead: { of: (m) => m.secondary?.value, higherIsBetter: false },
  packages: ['redis-server', 'nats-server'],
  onlyFor: {
    kinds: ['module', 'socketio'],
    reason: 'no rooms across nodes: no cross-node equivalent',
  },
  target: {
    label: `A cpu/room.send <= ${TARGET_CPU_RATIO}x cpu/echo paced at the same rate (median of ${CPU_PAIRS} pairs); p99 < ${TARGET_P99_MS} ms at half a core of A`,
    actual: (m) => {
      const f = m.facts;
      const cpu = f?.cpuRatio === undefined ? '?' : f.cpuRatio.toFixed(2);
      return `${cpu}x, p99 ${formatMs(m.p99Ms)}`;
    },
    pass: (m) => {
      const f = m.facts;
      // Undecided when the rate was fixed by --rate instead of computed.
      if (f?.halfCore !== 1 || m.p99Ms === undefined || !m.secondary) return undefined;
      const cpuOk = (f.cpuRatio ?? Number.NaN) <= TARGET_CPU_RATIO;
      // Only counts when the rate was held and nothing was lost.
      const rate = f.rate ?? Number.POSITIVE_INFINITY;
      const latencyOk =
        m.p99Ms < TARGET_P99_MS && f.undelivered === 0 && (f.sentRate ?? 0) >= rate * 0.98;
      return cpuOk && latencyOk;
    },
  },
  runAll,
};
