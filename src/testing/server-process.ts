import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';

/** Throws one clear sentence when a Debian server binary is missing. */
export function assertInstalled(binary: string, what: string): void {
  try {
    execFileSync(binary, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `${binary} is not installed: a real ${what} is needed here (Debian: apt-get install ${binary}).`,
    );
  }
}

export interface ServerLaunch {
  /** Program and arguments to spawn. */
  command: string;
  args: readonly string[];
  /** Resolves `true` once the server serves; polled until then. */
  ready: () => Promise<boolean>;
  /** How long the server may take to become ready. */
  timeoutMs: number;
  /** Pause between two readiness probes. */
  pollMs: number;
}

/**
 * One server process of the test kit (Redis, NATS, Prometheus): spawned with
 * its output kept for error messages, started when `ready` says so, stopped
 * with a signal. It can be started again after a stop, to test an outage.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  /** @param name what error messages call it, e.g. `redis-server on port 6379` */
  constructor(private readonly name: string) {}

  /** The running process's id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** What the process wrote to stdout and stderr since its last start. */
  get log(): string {
    return this.output;
  }

  /** Spawns the process unless it runs, and waits until it is ready; kills it and throws if it is not. */
  async start(launch: ServerLaunch): Promise<void> {
    if (this.child) return;
    this.output = '';
    const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // A program that cannot be spawned (ENOENT) emits `error`, not only `exit`.
    child.once('error', (error) => {
      this.output += `${error.message}\n`;
    });
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.child = child;
    const deadline = Date.now() + launch.timeoutMs;
    while (!(await launch.ready())) {
      const exited = child.exitCode !== null || child.signalCode !== null;
      if (exited || Date.now() > deadline) {
        this.child = undefined;
        if (!exited) child.kill('SIGKILL');
        // Its whole output, and no process left behind.
        await closed;
        const reason = exited ? 'exited' : `not ready within ${launch.timeoutMs} ms`;
        throw new Error(`${this.name} did not start (${reason}):\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, launch.pollMs));
    }
  }

  /**
   * Stops the process and waits for its exit: with SIGKILL at once (like a
   * crash, the default), or with `signal` and SIGKILL after `graceMs`.
   */
  async stop(signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const killer =
      signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(killer);
  }
}
