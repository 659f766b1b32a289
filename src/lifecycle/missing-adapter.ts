import { Injectable, type WebSocketAdapter } from '@nestjs/common';
import { type ApplicationConfig, ModuleRef } from '@nestjs/core';

export const MISSING_ADAPTER_MESSAGE =
  'nestjs-secure-ws: the WebSocket adapter is not installed. Call app.useWebSocketAdapter(app.get(SecureWsAdapter)) after NestFactory.create() and before app.listen() or app.init().';

/**
 * The app's WebSocket adapter until `app.useWebSocketAdapter(...)` replaces
 * it: forgetting that call ends in one sentence from this module when Nest
 * opens the first gateway, instead of Nest's advice to install
 * `@nestjs/platform-socket.io`.
 */
export class MissingAdapter implements WebSocketAdapter {
  create(): never {
    throw new Error(MISSING_ADAPTER_MESSAGE);
  }
  bindClientConnect(): void {}
  bindMessageHandlers(): void {}
  close(): void {}
  dispose(): void {}
}

/**
 * Puts a `MissingAdapter` in place when the module is created and the app has
 * no WebSocket adapter yet. Nest's `ApplicationConfig` is not injectable; the
 * `ModuleRef` holds the container that holds it.
 */
@Injectable()
export class AdapterPlaceholder {
  constructor(moduleRef: ModuleRef) {
    const config = (
      moduleRef as unknown as { container?: { applicationConfig?: ApplicationConfig } }
    ).container?.applicationConfig;
    if (config && !config.getIoAdapter()) config.setIoAdapter(new MissingAdapter());
  }
}
