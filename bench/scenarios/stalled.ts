/**
 * (7) One stalled reader: while `connections` healthy clients run the echo
 * load, one more client keeps sending 16 KiB echo requests (16 MiB/s) but never
 * reads (its socket is paused), so every reply to it piles up in the server.
 * Reported: the server's RSS growth over the stalled reader's run, from
 * after the healthy load's warm-up to the end of the measured time (both
 * samples taken under that load, after forced GCs), its peak, the growth
 * from the idle server before any load (in the notes), what happened to the
 * stalled client, and the healthy clients' latency.
 *
 * Why from after the warm-up, and why settled: V8 sizes its young
 * generation to the healthy clients' allocation rate and keeps it (Node 24:
 * 20-100 MiB of RSS on every server, with or without a stalled reader),
 * and it can still grow during the run (Node 24: 30 -> 55 MiB in session
 * 21's run). That memory is the echo load's, not held for the stalled
 * reader. So both samples are taken after V8's last-resort collection,
 * which gives the young generation's pages back, as the memory scenario's
 * are (since session 21; before, only the warm-up kept it out). Its size
 * before each is in the notes.
 *
 * Target: bounded, i.e. growth at most BOUND_MIB while the stalled client was
 * set to push at least twice that over the run (undecided otherwise: a short
 * --duration).
 * Unprotected servers grow by about what was pushed.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { closeAll, connect, openMany, sourceAddress } from '../lib/client.js';
import { dialectOf } from '../lib/dialect.js';
import { formatBytes, formatRate } from '../lib/format.js';
import { WindowedLoad } from '../lib/load.js';
import type { ServerKind } from '../lib/protocol.js';
import type { Measurement, Scenario, ScenarioContext } from '../lib/scenario.js';
import { withServer } from '../lib/scenario.js';
import { sleep } from '../lib/stats.js';

const FRAME_TEXT_BYTES = 16 * 1024;
const STALLED_BYTES_PER_SECOND = 16 * 1024 * 1024;
const BOUND_MIB = 32;
const SAMPLE_EVERY_MS = 250;

/**
 * What became of the stalled client. Its close is recorded from the start (a
 * server that cuts it resets the socket, which the client notices on its next
 * write); if it is still open after the run, it is resumed and given 2 s to
 * read what is queued and see a close.
 */
function watchStalled(stalled: WebSocket, started: number): () => Promise<string> {
  let closed: string | undefined;
  const onClose = new Promise<void>((resolve) => {
    stalled.once('close', (code, reason) => {
      const why = reason.length > 0 ? ` ${reason.toString()}` : '';
      closed = `cut after ${((performance.now() - started) / 1000).toFixed(1)} s (${code}${why})`;
      resolve();
    });
  });
  return async () => {
    if (closed) return closed;
    stalled.resume();
    await Promise.race([onClose, sleep(2000)]);
    return closed ?? 'never cut';
  };
}

async function run(ctx: ScenarioContext, kind: ServerKind): Promise<Measurement> {
  const { config } = ctx;
  return withServer(ctx, kind, { auth: false }, async (server) => {
    const dialect = dialectOf(kind);
    const sockets = await openMany(server, config.connections);
    const stalled = await connect(server, { localAddress: sourceAddress(config.connections) });
    stalled.pause();
    try {
      const idleYoung = (await server.memory(true)).newSpace;
      const idle = await server.memory(true, true);
      const load = new WindowedLoad(sockets, {
        window: config.window,
        frame: dialect.echoFrame,
        replyOk: dialect.replyCheck('echo'),
        isControl: dialect.isControl,
      });
      // The healthy load alone first: the server's heap settles to it.
      load.start();
      await sleep(config.warmupS * 1000);
      const warmedYoung = (await server.memory(true)).newSpace;
      const baseline = await server.memory(true, true);

      // The stalled client's requests, paced by elapsed time (bounded by the run).
      const bigFrame = dialect.bigEchoFrame(FRAME_TEXT_BYTES);
      const frameBytes = Buffer.byteLength(bigFrame(0));
      const perSecond = STALLED_BYTES_PER_SECOND / frameBytes;
      let stalledSent = 0;
      const started = performance.now();
      const fateOf = watchStalled(stalled, started);
      const sender = setInterval(() => {
        if (stalled.readyState !== stalled.OPEN) return;
        const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
        while (stalledSent < due) stalled.send(bigFrame(stalledSent++));
      }, 10);

      let peakRss = baseline.rss;
      const sampler = setInterval(() => {
        server.memory(false).then(
          (m) => {
            peakRss = Math.max(peakRss, m.rss);
          },
          () => {},
        );
      }, SAMPLE_EVERY_MS);

      await sleep(config.warmupS * 1000);
      const t0 = performance.now();
      load.beginMeasure();
      await sleep(config.durationS * 1000);
      load.endMeasure();
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sender);
      // What the stalled reader was set to push, whether or not it was cut.
      const offeredBytes = ((performance.now() - started) / 1000) * STALLED_BYTES_PER_SECOND;
      clearInterval(sampler);
      // Under the healthy load, as the baseline was, and settled the same way.
      const endYoung = (await server.memory(true)).newSpace;
      const end = await server.memory(true, true);
      await load.stop();
      const healthy = load.result();

      const stats = await server.stats();
      const fate = await fateOf();
      const growth = end.rss - baseline.rss;
      const notes = [
        `peak (not settled) +${formatBytes(peakRss - baseline.rss)}`,
        `from idle +${formatBytes(end.rss - idle.rss)}`,
        `heap used +${formatBytes(end.heapUsed - baseline.heapUsed)}, young generation given back before each sample ${formatBytes(warmedYoung)} warmed up -> ${formatBytes(endYoung)} (${formatBytes(idleYoung)} idle)`,
        `stalled reader pushed ${formatBytes(stalledSent * frameBytes)}, ${fate}`,
        `healthy ${formatRate('msg/s')(healthy.count / seconds)}`,
      ];
      if (stats) notes.push(`at end: max buffered ${formatBytes(stats.maxBufferedAmount)}`);
      return {
        value: growth,
        facts: { offeredBytes },
        p50Ms: healthy.p50Ms,
        p99Ms: healthy.p99Ms,
        notes,
        warnings: healthy.warnings,
      };
    } finally {
      stalled.terminate();
      closeAll(sockets);
    }
  });
}

export const stalled: Scenario = {
  number: 7,
  id: 'stalled',
  title: 'one stalled reader',
  metric: {
    unit: 'RSS growth',
    format: (v) => `${v >= 0 ? '+' : ''}${formatBytes(v)} RSS`,
    higherIsBetter: false,
  },
  latency: 'healthy clients round trip',
  noRatio: true,
  target: {
    label: `bounded (<= ${BOUND_MIB} MiB)`,
    // Undecided when the stalled reader pushed too little for the bound to
    // tell a protected server from an unprotected one (short --duration).
    pass: (m) => {
      const bound = BOUND_MIB * 1024 * 1024;
      const offered = m.facts?.offeredBytes ?? 0;
      if (!Number.isFinite(m.value) || offered < 2 * bound) return undefined;
      return m.value <= bound;
    },
  },
  run,
};
