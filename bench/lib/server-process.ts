/**
 * Parent side of a benchmark server: forks the server's entry file into its
 * own process (optionally pinned to its own core) and talks to it over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectOf } from './dialect.js';
import type {
  ChildMessage,
  CpuSample,
  MemorySample,
  ServerFeatures,
  ServerKind,
  ServerOptions,
  ServerStats,
} from './protocol.js';

export interface StartOptions extends ServerOptions {
  /** Core to pin the server to with taskset, or undefined to let the OS schedule it. */
  cpu: number | undefined;
  /** Write a V8 CPU profile of the server into this directory when it exits. */
  profileDir?: string | undefined;
  /** Node binary to run the server on (default: this process's). */
  node?: string | undefined;
}

export function serverEntry(kind: ServerKind): string {
  return fileURLToPath(new URL(`../servers/${kind}.js`, import.meta.url));
}

export function serverAvailable(kind: ServerKind): boolean {
  return existsSync(serverEntry(kind));
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

export class ServerProcess {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private exited = false;

  private constructor(
    readonly kind: ServerKind,
    private readonly child: ChildProcess,
    readonly port: number,
    readonly features: ServerFeatures,
  ) {
    child.on('message', (raw) => {
      const message = raw as ChildMessage;
      if (message.type !== 'reply') return;
      this.pending.get(message.seq)?.resolve(message.payload);
      this.pending.delete(message.seq);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`${kind} server exited`));
      this.pending.clear();
    });
  }

  get url(): string {
    return dialectOf(this.kind).url(this.port);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static start(kind: ServerKind, options: StartOptions): Promise<ServerProcess> {
    const serverOptions: ServerOptions = { auth: options.auth };
    if (options.redisUrl !== undefined) serverOptions.redisUrl = options.redisUrl;
    if (options.natsUrl !== undefined) serverOptions.natsUrl = options.natsUrl;
    if (options.history !== undefined) serverOptions.history = options.history;
    if (options.tracing !== undefined) serverOptions.tracing = options.tracing;
    if (options.burnNs !== undefined) serverOptions.burnNs = options.burnNs;
    if (options.watchGc !== undefined) serverOptions.watchGc = options.watchGc;
    const pinned = options.cpu !== undefined;
    const node = options.node ?? process.execPath;
    // fork() runs `execPath ...execArgv entry args`; with taskset as execPath the
    // server is still a Node child with an IPC channel, just pinned to a core.
    const child = fork(serverEntry(kind), [JSON.stringify(serverOptions)], {
      execPath: pinned ? 'taskset' : node,
      execArgv: [
        ...(pinned ? ['-c', String(options.cpu), node] : []),
        '--expose-gc',
        '--max-old-space-size=4096',
        ...(options.profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, kind)}`]
          : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${kind} server did not start within 30 s`));
      }, 30_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${kind} server exited with code ${code} before it was ready`));
      };
      child.once('exit', onExit);
      child.on('message', function onReady(raw) {
        const message = raw as ChildMessage;
        if (message.type === 'fatal') {
          clearTimeout(timer);
          child.off('exit', onExit);
          reject(new Error(`${kind} server failed to start: ${message.message}`));
        } else if (message.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.off('message', onReady);
          resolve(new ServerProcess(kind, child, message.port, message.features));
        }
      });
    });
  }

  private request<T>(
    type: 'memory' | 'cpu' | 'stats' | 'stop' | 'heap-snapshot',
    extra: object = {},
  ): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.kind} server has exited`));
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ type, seq, ...extra });
    });
  }

  /** See the `memory` message (protocol.ts) for `gc` and `settle`. */
  memory(gc = true, settle = false): Promise<MemorySample> {
    return this.request('memory', { gc, settle });
  }

  cpu(): Promise<CpuSample> {
    return this.request('cpu');
  }

  /** Writes a V8 heap snapshot (after GCs) to `path`; resolves with the path. */
  heapSnapshot(path: string): Promise<string> {
    return this.request('heap-snapshot', { path });
  }

  /** Null when the server cannot see its own sockets. */
  stats(): Promise<ServerStats | null> {
    return this.request('stats');
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    try {
      await this.request('stop');
    } catch {
      // exited while stopping: fine
    }
    await exited;
    clearTimeout(timer);
  }

  /** For error paths: no goodbye, just make sure the process is gone. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** CPU use of a server between two samples, as a fraction of one core. */
export function cpuFraction(a: CpuSample, b: CpuSample): number {
  const wallMs = b.at - a.at;
  return wallMs > 0 ? (b.cpuMicros - a.cpuMicros) / 1000 / wallMs : 0;
}
