import { type Provider } from '@nestjs/common';
import { historyProviders } from '../history/history.providers.js';
import { WsBusMetrics } from './rooms-metrics.js';
import { WsBroadcast } from './ws-broadcast.service.js';
import { WsRooms } from './ws-rooms.service.js';
import { WsUsers } from './ws-users.service.js';

/** Rooms (with their history store), user-addressed and gateway-wide delivery, on the app's `WsBus`, and their metrics. */
export const roomsProviders: Provider[] = [
  ...historyProviders,
  WsRooms,
  WsUsers,
  WsBroadcast,
  WsBusMetrics,
];
