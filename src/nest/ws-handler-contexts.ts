import { type ApplicationConfig, type ModulesContainer } from '@nestjs/core';
import {
  ExceptionFiltersContext,
  GuardsConsumer,
  GuardsContextCreator,
  InterceptorsConsumer,
  InterceptorsContextCreator,
  type NestContainer,
  PipesConsumer,
  PipesContextCreator,
  STATIC_CONTEXT,
  WsContextCreator,
  WsProxy,
} from './internals.js';

/** A handler inside Nest's per-message context, called as Nest calls it: `(client, data, ...rest)`. */
export type WsHandlerContext = (client: unknown, ...args: unknown[]) => Promise<unknown>;

/**
 * Makes Nest's per-message context of a gateway handler (guards,
 * interceptors, pipes, filters, parameter decorators), the same function
 * Nest's `WebSocketsController` makes at start-up, with the same classes
 * built the way its `SocketModule` builds them. Nest then binds it to each
 * client; the module calls it with the client instead.
 *
 * Nest's context classes read the container only for its modules, so the
 * app's `ModulesContainer` stands in for it.
 */
export function wsHandlerContexts(
  modules: ModulesContainer,
  config: ApplicationConfig,
): (instance: object, method: string, moduleKey: string) => WsHandlerContext {
  const container = { getModules: () => modules } as unknown as NestContainer;
  const creator = new WsContextCreator(
    new WsProxy(),
    new ExceptionFiltersContext(container),
    new PipesContextCreator(container, config),
    new PipesConsumer(),
    new GuardsContextCreator(container, config),
    new GuardsConsumer(),
    new InterceptorsContextCreator(container, config),
    new InterceptorsConsumer(),
  );
  return (instance, method, moduleKey) => {
    const callback = (Object.getPrototypeOf(instance) as Record<string, unknown>)[method] as (
      ...args: unknown[]
    ) => unknown;
    return creator.create(
      instance,
      callback,
      moduleKey,
      method,
      STATIC_CONTEXT,
    ) as unknown as WsHandlerContext;
  };
}
