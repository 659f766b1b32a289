import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Debian packages of the programs the suites run for real (each named as its program). */
const NEEDED = [
  'redis-server',
  'nats-server',
  'chromium',
  // Peers with a tiny TCP receive buffer (test/hostile/support/non-reader.py).
  'python3',
  // The operations kit's test (test/observability/prometheus.e2e.test.ts); promtool comes with it.
  'prometheus',
];

const INSTALL = fileURLToPath(new URL('../../scripts/install-packages.sh', import.meta.url));

/**
 * Vitest global setup: installs the Debian packages the suites need when
 * they are missing (as root, with apt-get), so that `npm test` passes on a
 * fresh machine; elsewhere it stops with one sentence naming them.
 */
export default function setup(): void {
  execFileSync(INSTALL, ['the tests', ...NEEDED], { stdio: 'inherit' });
}
