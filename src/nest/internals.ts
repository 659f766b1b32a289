/**
 * The one file that imports Nest's internals (metadata keys and enums that
 * Nest does not export from its packages' roots). When Nest moves one, this
 * is the file to change.
 */
export { EXCEPTION_FILTERS_METADATA, PIPES_METADATA } from '@nestjs/common/constants.js';
export type { Module } from '@nestjs/core/injector/module.js';
export {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  PARAM_ARGS_METADATA,
} from '@nestjs/websockets/constants.js';
export { WsParamtype } from '@nestjs/websockets/enums/ws-paramtype.enum.js';
