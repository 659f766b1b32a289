import { execFileSync } from 'node:child_process';

/** Programs the suites run for real, and the Debian package of each. */
const NEEDED = [
  { program: 'redis-server', pkg: 'redis-server' },
  { program: 'nats-server', pkg: 'nats-server' },
  { program: 'chromium', pkg: 'chromium' },
  // Peers with a tiny TCP receive buffer (test/hostile/support/non-reader.py).
  { program: 'python3', pkg: 'python3' },
];

function installed(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Vitest global setup: installs the Debian packages the suites need when
 * they are missing (as root, with apt-get), so that `npm test` passes on a
 * fresh machine; elsewhere it stops with one sentence naming them.
 */
export default function setup(): void {
  const missing = NEEDED.filter(({ program }) => !installed(program)).map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !installed('apt-get')) {
    throw new Error(
      `The tests need ${missing.join(' and ')}: install ${missing.join(' ')} (Debian packages) and run them again.`,
    );
  }
  console.info(`Installing ${missing.join(', ')} for the tests (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}
