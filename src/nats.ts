/**
 * `nestjs-secure-ws/nats`: the bus on NATS. Apart from the main entry so
 * that only apps that use it need `@nats-io/transport-node` and `@nats-io/kv`.
 */
export { NatsBus } from './bus/nats.bus.js';
export type { NatsBusOptions } from './bus/nats-bus-options.js';
