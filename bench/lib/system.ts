/**
 * Machine facts for the report, file-descriptor limits, core pinning, and
 * the Debian packages scenarios run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    kernel: os.release(),
  };
}

export interface FdLimit {
  soft: number;
  hard: number;
}

function parseLimit(s: string | undefined): number {
  return s === undefined || s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s);
}

export function fdLimit(): FdLimit {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line?.slice('Max open files'.length).trim().split(/\s+/) ?? [];
  return { soft: parseLimit(soft), hard: parseLimit(hard) };
}

/**
 * Makes sure this process (and the servers it forks, which inherit the limit)
 * may open `needed` file descriptors: raises the soft limit with prlimit, and
 * the hard one too when allowed. Returns what it did, for the report.
 */
export function ensureFdLimit(needed: number): string {
  const before = fdLimit();
  if (before.soft >= needed) return `nofile ${before.soft} (enough for ${needed})`;
  const hard = Math.max(before.hard, needed);
  try {
    execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${needed}:${hard}`], {
      stdio: 'ignore',
    });
  } catch {
    // not allowed to raise the hard limit: try the soft one alone
    try {
      execFileSync(
        'prlimit',
        [`--pid=${process.pid}`, `--nofile=${Math.min(needed, before.hard)}:`],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // left as it is; reported below
    }
  }
  const after = fdLimit();
  if (after.soft >= needed) return `nofile raised ${before.soft} -> ${after.soft} with prlimit`;
  return `nofile ${after.soft} < ${needed} needed: run \`ulimit -n ${needed}\` first (10k-connection scenarios will fail)`;
}

/** Pins every thread of this process to `cpu`; false when taskset is missing. */
export function pinSelf(cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

export interface MachineCpu {
  /** user + nice + system + steal, in ms over all cores. */
  tasksMs: number;
  /** irq + softirq (loopback TCP is mostly softirq work), in ms over all cores. */
  irqMs: number;
}

/**
 * CPU time the whole machine spent so far, from /proc/stat. Minus what the
 * server and the generator used over the same window, `tasksMs` is what
 * other processes used; `irqMs` is interrupt work (for loopback TCP mostly
 * softirq, charged to no process). Undefined when /proc/stat is unreadable.
 */
export function machineCpu(): MachineCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ms = (ticks: number | undefined) => ((ticks ?? 0) * 1000) / 100; // USER_HZ is 100
    return {
      tasksMs: ms(user) + ms(nice) + ms(system) + ms(steal),
      irqMs: ms(irq) + ms(softirq),
    };
  } catch {
    return undefined;
  }
}

const INSTALL_PACKAGES = fileURLToPath(
  new URL('../../../scripts/install-packages.sh', import.meta.url),
);

/**
 * Installs the Debian packages named that are missing, as the tests do
 * (`scripts/install-packages.sh`: apt-get, as root). When it cannot, the
 * script says why, and the scenarios that need them report their own error.
 */
export function installPackages(packages: readonly string[]): void {
  if (packages.length === 0) return;
  try {
    execFileSync(INSTALL_PACKAGES, ['the bench', ...packages], { stdio: 'inherit' });
  } catch {
    // Said by the script; the scenarios that need the packages fail on their own.
  }
}
