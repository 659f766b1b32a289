import { type Type } from '@nestjs/common';
import { type StandardSchemaV1 } from '@standard-schema/spec';
import { type Observable } from 'rxjs';

/** A schema the contract can describe: a class-validator DTO class or a Standard Schema. */
export type ContractSchema<T> =
  | (abstract new (
      ...args: never[]
    ) => T)
  | StandardSchemaV1<unknown, T>;

/** The type a schema describes. */
export type SchemaType<S> =
  S extends StandardSchemaV1<unknown, infer T>
    ? T
    : S extends abstract new (
          ...args: never[]
        ) => infer T
      ? T
      : never;

/** What only a person can say about an event: the code cannot know it. */
export interface EventDocOptions {
  summary?: string;
  description?: string;
  /** Example payloads (`data`). */
  examples?: unknown[];
}

export interface ReplyMetadata {
  /** The reply's event; the request's own when absent. */
  event?: string;
  schema: Type | StandardSchemaV1;
  doc?: EventDocOptions;
}

export interface PushOptions extends EventDocOptions {
  /** Pushes through a room that keeps history carry `pos` (see Delivery). @default false */
  history?: boolean;
}

export interface PushMetadata {
  event: string;
  schema: Type | StandardSchemaV1;
  options: PushOptions;
}

const REPLY = Symbol('secure-ws.contract.reply');
const PUSHES = Symbol('secure-ws.contract.pushes');
const DOC = Symbol('secure-ws.contract.doc');

/** What a handler may return: the reply, or nothing (no reply sent), maybe async. */
type Returned<T> = T | undefined | Promise<T | undefined> | Observable<T>;

/** A method decorator that only accepts handlers returning `R` (maybe async or an Observable). */
export type HandlerReturning<R> = <F extends (...args: never[]) => Returned<R>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<F>,
) => void;

/**
 * Declares a handler's reply, once, next to it: its schema goes into the
 * AsyncAPI document and the typed client's contract, and the compiler holds
 * the handler's return value to it.
 *
 * - `@Reply(ProfileDto)`: the reply carries the request's event; the handler returns the data.
 * - `@Reply('profile.updated', ProfileDto)`: the handler returns `{ event, data }`.
 */
export function Reply<S extends ContractSchema<unknown>>(
  schema: S,
  doc?: EventDocOptions,
): HandlerReturning<SchemaType<S>>;
export function Reply<S extends ContractSchema<unknown>>(
  event: string,
  schema: S,
  doc?: EventDocOptions,
): HandlerReturning<{ event: string; data: SchemaType<S> }>;
export function Reply(
  eventOrSchema: string | ContractSchema<unknown>,
  schemaOrDoc?: ContractSchema<unknown> | EventDocOptions,
  maybeDoc?: EventDocOptions,
): HandlerReturning<unknown> {
  const metadata: ReplyMetadata =
    typeof eventOrSchema === 'string'
      ? { event: eventOrSchema, schema: schemaOrDoc as Type, doc: maybeDoc }
      : { schema: eventOrSchema as Type, doc: schemaOrDoc as EventDocOptions | undefined };
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(REPLY, metadata, descriptor.value as object);
  };
}

/**
 * Declares an event the gateway pushes without a request (room messages,
 * notices): `@Push('room.message', RoomMessagePushDto, { history: true })`.
 */
export function Push(
  event: string,
  schema: ContractSchema<unknown>,
  options: PushOptions = {},
): ClassDecorator {
  return (target) => {
    const pushes: PushMetadata[] = Reflect.getOwnMetadata(PUSHES, target) ?? [];
    Reflect.defineMetadata(PUSHES, [{ event, schema: schema as Type, options }, ...pushes], target);
  };
}

/** Describes a handler's event in the AsyncAPI document: summary, description, examples. */
export function EventDoc(doc: EventDocOptions): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(DOC, doc, descriptor.value as object);
  };
}

export function replyOf(handler: object): ReplyMetadata | undefined {
  return Reflect.getMetadata(REPLY, handler);
}

export function pushesOf(gateway: Type): PushMetadata[] {
  return Reflect.getMetadata(PUSHES, gateway) ?? [];
}

export function docOf(handler: object): EventDocOptions | undefined {
  return Reflect.getMetadata(DOC, handler);
}
