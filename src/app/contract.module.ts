import { pino } from 'pino';
import { AppModule } from './app.module.js';
import { loadConfig } from './config.js';

/**
 * The reference app's root module as `nestjs-secure-ws asyncapi --module`
 * loads it: the development configuration, whatever the environment says,
 * and a silent logger. Nothing is served.
 */
export default function contractModule() {
  const config = loadConfig({ NODE_ENV: 'development', PORT: '3000' });
  return AppModule.forRoot(
    { ...config, jwtSecret: 'contract-generation-only-0123456789abcdef' },
    pino({ enabled: false }),
  );
}
