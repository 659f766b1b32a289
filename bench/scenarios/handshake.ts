/**
 * (3) Handshakes per second: `handshakeConcurrency` loops each open a
 * connection with an HS256 JWT in `Authorization: Bearer`, wait for the 101,
 * do the closing handshake, wait for TCP to close, and start over, for the
 * configured duration. Raw ws verifies the token on `upgrade` with
 * @nestjs/jwt's JwtService; the stock Nest gateway verifies it in
 * handleConnection with the injected JwtService. p50/p99 are of the time from
 * connect() to the 101 response.
 *
 * By default the loops use the lean client of lib/lean-handshake.ts (the ws
 * client costs about as much CPU per handshake as the server, see there);
 * `--handshake-client ws` uses the ws client instead (socket.io-client for
 * Socket.IO). Socket.IO gets the token in its CONNECT packet's `auth` and
 * verifies it in `io.use`, after the upgrade: its p50/p99 run from connect()
 * to the CONNECT answer.
 */
import { performance } from 'node:perf_hooks';
import { io as ioClient } from 'socket.io-client';
import { WebSocket } from 'ws';
import { formatRate } from '../lib/format.js';
import {
  type HandshakeOutcome,
  leanHandshake,
  leanSocketIoHandshake,
  maskedTextFrame,
  upgradeRequest,
} from '../lib/lean-handshake.js';
import { WS_PATH } from '../lib/protocol.js';
import {
  type Driver,
  type DriverResult,
  type InterleavedSpec,
  ratioAtLeast,
  type Scenario,
} from '../lib/scenario.js';
import { LatencyHistogram, sleep } from '../lib/stats.js';
import { benchToken } from '../servers/session.js';

function wsHandshake(url: string, headers: Record<string, string>): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    let outcome: HandshakeOutcome = { ok: false, reason: 'error' };
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: 5000 });
    ws.on('open', () => {
      outcome = { ok: true, openMs: performance.now() - started };
      ws.close(1000);
    });
    ws.on('unexpected-response', (_req, res) => {
      outcome = { ok: false, reason: 'rejected' };
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      if (outcome.ok && code !== 1000) outcome = { ok: false, reason: 'closed-by-server' };
      resolve(outcome);
    });
  });
}

const SOCKET_IO_PATH = '/socket.io/?EIO=4&transport=websocket';

/** One open + close with socket.io-client itself (`--handshake-client ws`). */
function socketIoClientHandshake(port: number, token: string): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = ioClient(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      timeout: 5000,
    });
    socket.on('connect', () => {
      const openMs = performance.now() - started;
      socket.io.engine.once('close', () => resolve({ ok: true, openMs }));
      socket.disconnect();
    });
    socket.on('connect_error', (err: Error) => {
      socket.close();
      resolve({ ok: false, reason: err.message === 'Unauthorized' ? 'rejected' : 'error' });
    });
  });
}

type Failure = Exclude<HandshakeOutcome, { ok: true }>['reason'];

/** `concurrency` loops of open + close, switchable on and off. */
class HandshakeLoad implements Driver {
  private phase: 'idle' | 'run' | 'measure' | 'stop' = 'idle';
  private loops: Promise<void>[] = [];
  private cycles = 0;
  private readonly histogram = new LatencyHistogram();
  private readonly failures: Record<Failure, number> = {
    rejected: 0,
    'closed-by-server': 0,
    error: 0,
    timeout: 0,
  };

  constructor(
    private readonly cycle: () => Promise<HandshakeOutcome>,
    private readonly concurrency: number,
    private readonly notes: string[],
  ) {}

  private async loop(): Promise<void> {
    while (this.phase === 'run' || this.phase === 'measure') {
      const outcome = await this.cycle();
      if (this.phase !== 'measure') continue;
      if (outcome.ok) {
        this.cycles++;
        this.histogram.recordMs(outcome.openMs);
      } else {
        this.failures[outcome.reason]++;
      }
    }
  }

  start(): void {
    this.phase = 'run';
    this.loops = Array.from({ length: this.concurrency }, () => this.loop());
  }

  beginMeasure(): void {
    this.phase = 'measure';
  }

  endMeasure(): void {
    this.phase = 'run';
  }

  async stop(): Promise<void> {
    this.phase = 'stop';
    await Promise.race([Promise.all(this.loops), sleep(6000)]);
  }

  result(): DriverResult {
    return {
      count: this.cycles,
      p50Ms: this.histogram.percentileMs(50),
      p99Ms: this.histogram.percentileMs(99),
      notes: this.notes,
      warnings: Object.entries(this.failures)
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${n} handshakes ${reason}`),
    };
  }
}

const spec: InterleavedSpec = {
  auth: true,
  countLabel: 'open+close',
  open: async (ctx, server) => {
    const { config } = ctx;
    const token = benchToken();
    let cycle: () => Promise<HandshakeOutcome>;
    if (server.kind === 'socketio') {
      const request = upgradeRequest({ port: server.port, path: SOCKET_IO_PATH, headers: {} });
      const connectFrame = maskedTextFrame(`40{"token":"${token}"}`);
      cycle =
        config.handshakeClient === 'lean'
          ? () => leanSocketIoHandshake(server.port, request, connectFrame)
          : () => socketIoClientHandshake(server.port, token);
    } else {
      const headers = { Authorization: `Bearer ${token}` };
      const request = upgradeRequest({ port: server.port, path: WS_PATH, headers });
      cycle =
        config.handshakeClient === 'lean'
          ? () => leanHandshake(server.port, request)
          : () => wsHandshake(server.url, headers);
    }
    const notes = [`${config.handshakeConcurrency} loops, ${config.handshakeClient} client`];
    if (!server.features.auth) notes.unshift('no JWT check (module has no auth option yet)');
    return {
      driver: new HandshakeLoad(cycle, config.handshakeConcurrency, notes),
      close: () => {},
    };
  },
};

export const handshake: Scenario = {
  number: 3,
  id: 'handshake',
  title: 'handshakes (JWT at connect)',
  metric: { unit: 'conn/s', format: formatRate('conn/s'), higherIsBetter: true },
  latency: 'connect to 101',
  target: ratioAtLeast(0.9),
  interleaved: spec,
};
