import { type AuthOptions } from '../../../src/auth/auth-options.interface.js';
import { createTestApp, type TestApp } from '../../../src/testing/test-app.js';
import { OpenProbeGateway, Recorder, SecureProbeGateway } from './auth.gateways.js';

export interface AuthTestApp extends TestApp {
  readonly recorder: Recorder;
}

/** A real app with the probe gateways (`/secure` needs auth, `/open` does not). */
export async function createAuthApp(auth: AuthOptions): Promise<AuthTestApp> {
  const t = await createTestApp({
    providers: [Recorder, SecureProbeGateway, OpenProbeGateway],
    module: { auth, heartbeat: false },
  });
  return Object.assign(t, { recorder: t.app.get(Recorder) });
}

/** True when no captured log line holds any of these strings (tokens, secrets). */
export function logsHoldNone(t: TestApp, secrets: string[]): boolean {
  return t.logs.raw.every((line) => secrets.every((secret) => !line.includes(secret)));
}
