import { currentMessage } from '../logging/message-context.js';
import { stampTraceparent, traceparentOfFrame } from './frame-trace.js';
import { MESSAGING_SYSTEM, SpanAttribute, type SpanAttributes, SpanName } from './span-names.js';
import { traceparentOf, type WsTracing } from './ws-tracing.js';

/**
 * A room send inside a recorded trace becomes a `publish <room>` span, and
 * the frame carries that span's `traceparent` to every member on every
 * node. Without tracing, a send made while handling a frame that carried a
 * `traceparent` passes that one on; otherwise the frame goes unchanged.
 */
export function tracedRoomFrame(tracing: WsTracing, room: string, frame: string): string {
  return tracedFrame(tracing, room, frame, room);
}

/** A push to a user's connections (`WsUsers.sendToUser`), traced as `publish users`. */
export function tracedUserFrame(tracing: WsTracing, frame: string): string {
  return tracedFrame(tracing, USERS_DESTINATION, frame, undefined);
}

const USERS_DESTINATION = 'users';

function tracedFrame(
  tracing: WsTracing,
  destination: string,
  frame: string,
  room: string | undefined,
): string {
  const span = tracing.start(SpanName.publish(destination), 'PRODUCER');
  if (!span) {
    // Not recorded here: the pushes still carry the client's trace onwards.
    const sent = currentMessage()?.frame.traceparent;
    return sent === undefined ? frame : stampTraceparent(frame, sent);
  }
  const traceparent = traceparentOf(span);
  if (room !== undefined) span.setAttribute(SpanAttribute.room, room);
  tracing.end(span, {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'send',
    'messaging.destination.name': destination,
    'messaging.message.body.size': Buffer.byteLength(frame),
  } satisfies SpanAttributes);
  return stampTraceparent(frame, traceparent);
}

/**
 * Hands a room frame to this node's members. A frame that carries a
 * `traceparent` gets a `deliver <room>` span in that trace, linked to the
 * sender's `publish` span.
 */
export function deliverRoomFrame(
  tracing: WsTracing,
  room: string,
  frame: string,
  route: { readonly origin: string; readonly node: string },
  members: { readonly size: number; deliver(frame: string): void },
): void {
  const traceparent = traceparentOfFrame(frame);
  const span =
    traceparent === undefined
      ? undefined
      : tracing.start(
          SpanName.deliver(room),
          'CONSUMER',
          tracing.remoteContext(traceparent),
          tracing.linkTo(traceparent),
        );
  members.deliver(frame);
  if (!span) return;
  tracing.end(span, {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'receive',
    'messaging.destination.name': room,
    'secure_ws.room': room,
    'secure_ws.room.local_members': members.size,
    'secure_ws.bus.origin_node': route.origin,
    'secure_ws.bus.node': route.node,
  } satisfies SpanAttributes);
}
