import { afterEach } from 'vitest';
import { createTestApp, type TestApp, type TestAppOptions } from '../../src/testing/test-app.js';

/**
 * Starts test apps that are closed after the test that started them; one the
 * test closed itself is not closed again. Call it inside a `describe`: it
 * registers the `afterEach` there.
 */
export function appsPerTest(): (options: TestAppOptions) => Promise<TestApp> {
  const open = new Set<TestApp>();
  afterEach(async () => {
    const apps = [...open];
    open.clear();
    await Promise.all(apps.map((app) => app.close()));
  });
  return async (options) => {
    const app = await createTestApp(options);
    const tracked: TestApp = {
      ...app,
      close: () => {
        open.delete(tracked);
        return app.close();
      },
    };
    open.add(tracked);
    return tracked;
  };
}
