import { SetMetadata } from '@nestjs/common';

export const CONCURRENT_METADATA = 'secure-ws:concurrent';

/**
 * Lets a message handler run alongside the connection's other concurrent
 * handlers instead of in arrival order, up to `maxInflightPerConnection` at
 * once. Read once per handler at start-up, never per message.
 *
 * ```ts
 * @Concurrent()
 * @SubscribeMessage('report.render')
 * render() {}
 * ```
 */
export const Concurrent = () => SetMetadata(CONCURRENT_METADATA, true);
