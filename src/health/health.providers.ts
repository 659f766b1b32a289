import { SecureWsHealth } from './secure-ws-health.js';

export const healthProviders = [SecureWsHealth];
