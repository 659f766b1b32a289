import { type Provider } from '@nestjs/common';
import { WsBusMetrics } from './rooms-metrics.js';
import { WsBroadcast } from './ws-broadcast.service.js';
import { WsRooms } from './ws-rooms.service.js';
import { WsUsers } from './ws-users.service.js';

/** Rooms, user-addressed and gateway-wide delivery, on the app's `WsBus`, and their metrics. */
export const roomsProviders: Provider[] = [WsRooms, WsUsers, WsBroadcast, WsBusMetrics];
