/**
 * The one file that imports Nest's internals (metadata keys and enums that
 * Nest does not export from its packages' roots). When Nest moves one, this
 * is the file to change.
 */
export {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
} from '@nestjs/common/constants.js';
export type { NestContainer } from '@nestjs/core/injector/container.js';
export type { Module } from '@nestjs/core/injector/module.js';
export {
  GuardsConsumer,
  GuardsContextCreator,
  InterceptorsConsumer,
  InterceptorsContextCreator,
  PipesConsumer,
  PipesContextCreator,
  STATIC_CONTEXT,
} from '@nestjs/core/internal.js';
export {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  PARAM_ARGS_METADATA,
  PORT_METADATA,
} from '@nestjs/websockets/constants.js';
export { ExceptionFiltersContext } from '@nestjs/websockets/context/exception-filters-context.js';
export { WsContextCreator } from '@nestjs/websockets/context/ws-context-creator.js';
export { WsProxy } from '@nestjs/websockets/context/ws-proxy.js';
export { WsParamtype } from '@nestjs/websockets/enums/ws-paramtype.enum.js';
