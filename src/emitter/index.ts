/**
 * `nestjs-secure-ws/emitter`: publish to rooms and users of gateways that
 * share a Redis, from any Node process, without Nest.
 */
export type { RoomRetention } from '../history/history-options.js';
export type { RoomPosition } from '../history/room-position.js';
export { type EmitToRoomOptions, WsEmitter, type WsEmitterOptions } from './ws-emitter.js';
