import { type Type } from '@nestjs/common';
import { type StandardSchemaV1 } from '@standard-schema/spec';
import { type GatewayFormat, type SecureGatewayOptions } from '../connection/gateway-server.js';
import { handlerNames, payloadOf } from '../lifecycle/dto-handlers.js';
import { GATEWAY_OPTIONS, MESSAGE_METADATA } from '../nest/internals.js';
import {
  docOf,
  type EventDocOptions,
  type PushMetadata,
  pushesOf,
  type ReplyMetadata,
  replyOf,
} from './contract.decorators.js';
import { isStandardSchema } from './json-schema.js';

/** One `@SubscribeMessage` handler, as the contract sees it. */
export interface HandlerContract {
  event: string;
  /** The payload's DTO class or Standard Schema; `undefined` when the handler declares neither. */
  request: Type | StandardSchemaV1 | undefined;
  /** `@MessageBody('name')`: `request` describes this property of the payload. */
  property: string | undefined;
  /** `@Reply(...)`; `false` when the handler returns `void` (no reply); `undefined` when unknown. */
  reply: ReplyMetadata | false | undefined;
  doc: EventDocOptions | undefined;
}

/** What one gateway class says about its endpoint. */
export interface GatewayContract {
  name: string;
  path: string;
  format: GatewayFormat;
  auth: boolean;
  handlers: HandlerContract[];
  pushes: PushMetadata[];
}

/** True when the method is declared `: void` (TypeScript's metadata says `undefined`). */
function returnsVoid(prototype: object, name: string): boolean {
  return (
    Reflect.hasMetadata('design:returntype', prototype, name) &&
    Reflect.getMetadata('design:returntype', prototype, name) === undefined
  );
}

function handlerContract(gateway: Type, name: string): HandlerContract {
  const prototype = gateway.prototype as Record<string, object>;
  const method = prototype[name] as object;
  const payload = payloadOf(gateway, name);
  const schema = isStandardSchema(payload.schema) ? payload.schema : undefined;
  return {
    event: String(Reflect.getMetadata(MESSAGE_METADATA, method)),
    request: schema ?? payload.dto,
    property: payload.property,
    reply: replyOf(method) ?? (returnsVoid(prototype, name) ? false : undefined),
    doc: docOf(method),
  };
}

/** Reads a gateway class's metadata: path, format, handlers, replies and pushes. */
export function gatewayContract(gateway: Type): GatewayContract {
  const options: SecureGatewayOptions = Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {};
  return {
    name: gateway.name,
    path: options.path ?? '/',
    format: options.format ?? 'json',
    auth: options.auth !== false,
    handlers: handlerNames(gateway).map((name) => handlerContract(gateway, name)),
    pushes: pushesOf(gateway),
  };
}
