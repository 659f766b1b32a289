/**
 * What a typed `WsClient<C>` checks against: the requests a gateway answers
 * (payload and reply) and the events it pushes. `nestjs-secure-ws types`
 * writes one from the AsyncAPI document of the server.
 */
export type WsContract = {
  requests: { [event: string]: { data: unknown; reply: unknown } };
  pushes: { [event: string]: unknown };
};

/** The contract of a client without one: any event, any payload, replies typed by the caller. */
export type UntypedContract = {
  requests: { [event: string]: { data: unknown; reply: unknown } };
  pushes: { [event: string]: unknown };
};

export type RequestEvent<C extends WsContract> = keyof C['requests'] & string;
export type PushEvent<C extends WsContract> = keyof C['pushes'] & string;
export type RequestData<C extends WsContract, E extends RequestEvent<C>> = C['requests'][E]['data'];
export type ReplyData<C extends WsContract, E extends RequestEvent<C>> = C['requests'][E]['reply'];
export type PushData<C extends WsContract, E extends PushEvent<C>> = C['pushes'][E];

/** `data` may be left out when the contract allows `undefined`. */
export type PayloadArgs<C extends WsContract, E extends RequestEvent<C>, Rest extends unknown[]> =
  undefined extends RequestData<C, E>
    ? [data?: RequestData<C, E>, ...rest: Rest]
    : [data: RequestData<C, E>, ...rest: Rest];

/** `true` for a client with no contract: its events are any string. */
export type IsUntyped<C extends WsContract> = string extends keyof C['requests'] ? true : false;
