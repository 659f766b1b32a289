import { Inject, Injectable, type Type } from '@nestjs/common';
import { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { type BoundHandler } from '../connection/connection.js';
import { type DirectGuard, type DirectGuardCheck } from '../nest/direct-guard.interface.js';
import { gatewayClasses } from '../nest/gateway-classes.js';
import {
  EXCEPTION_FILTERS_METADATA,
  GATEWAY_OPTIONS,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  type Module,
  PARAM_ARGS_METADATA,
  PIPES_METADATA,
  PORT_METADATA,
  WsParamtype,
} from '../nest/internals.js';
import { normalizeGatewayPath } from '../util/gateway-path.js';
import { type SecureValidationPipe } from '../validation/secure-validation.pipe.js';
import { directGuardsOf, guardsCheck } from './direct-guards.js';
import {
  type PayloadValidation,
  payloadValidation,
  validationPipesOf,
} from './direct-validation.js';
import { FUNNEL_FILTER } from './escalate-to-funnel.filter.js';

/** Makes a connection's handler for one message, given the connection's ws client. */
export type DirectHandlerFactory = (client: unknown) => BoundHandler;

interface Param {
  index: number;
  socket: boolean;
  /** `@MessageBody('key')`: that property of the payload. */
  key: string | undefined;
  /** The module's validation pipe(s) for a payload typed with a DTO class. */
  validate: PayloadValidation | undefined;
}

type Method = (...args: unknown[]) => unknown;

/** Method names of a class and its ancestors, as Nest's metadata scanner finds handlers. */
function methodNames(gateway: Type): Set<string> {
  const names = new Set<string>();
  for (
    let prototype: object | null = gateway.prototype as object;
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name !== 'constructor') names.add(name);
    }
  }
  return names;
}

const NONE: unknown[] = [];

function metadataList(key: string, target: object): unknown[] {
  return (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? NONE;
}

/**
 * The parameters of a handler when each is `@ConnectedSocket()` or a plain
 * `@MessageBody()` (optionally with a property key) without pipes of its
 * own, else undefined; a payload typed with a DTO class is validated by
 * `pipes` (the module's validation pipes that apply to the handler) as
 * Nest would. Nest keys parameter metadata `"<paramtype>:<index>"`.
 */
function plainParams(
  gateway: Type,
  name: string,
  pipes: readonly SecureValidationPipe[],
): Param[] | undefined {
  const metadata: Record<string, { index: number; data?: unknown; pipes?: unknown[] }> =
    Reflect.getMetadata(PARAM_ARGS_METADATA, gateway, name) ?? {};
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', gateway.prototype, name) ?? [];
  const params: Param[] = [];
  for (const [key, { index, data, pipes: own }] of Object.entries(metadata)) {
    const type = Number(key.split(':')[0]);
    if ((own?.length ?? 0) > 0) return undefined;
    if (type === WsParamtype.SOCKET) {
      params.push({ index, socket: true, key: undefined, validate: undefined });
    } else if (type === WsParamtype.PAYLOAD && (data === undefined || typeof data === 'string')) {
      const validate = payloadValidation(pipes, types[index]);
      params.push({ index, socket: false, key: data || undefined, validate });
    } else {
      return undefined; // @Ack(), custom decorators: Nest's own context
    }
  }
  return params;
}

/** The handler called straight, with the arguments Nest's param factory would give it. */
/**
 * What Nest's path makes of a handler that throws nothing (`throw undefined`):
 * its proxy turns the throw into a rejection, which the connection reports as
 * this error.
 */
function thrown(error: unknown): unknown {
  return error ?? new Error('Handler rejected');
}

function directFactory(instance: object, method: Method, params: Param[]): DirectHandlerFactory {
  const argsLength = params.reduce((max, p) => Math.max(max, p.index + 1), 0);
  if (params.some((p) => p.validate)) return validatedFactory(instance, method, params, argsLength);
  // Handlers that never see the client are one function shared by every connection.
  if (argsLength === 0) {
    const call: BoundHandler = () => {
      try {
        return method.call(instance);
      } catch (error) {
        throw thrown(error);
      }
    };
    return () => call;
  }
  const [only] = params;
  if (params.length === 1 && only && only.index === 0 && !only.socket) {
    const key = only.key;
    const call: BoundHandler = (data) => {
      try {
        return method.call(
          instance,
          key === undefined ? data : (data as Record<string, unknown> | null)?.[key],
        );
      } catch (error) {
        throw thrown(error);
      }
    };
    return () => call;
  }
  return (client) => (data) => {
    const args: unknown[] = new Array(argsLength).fill(null);
    for (const p of params) {
      args[p.index] = p.socket
        ? client
        : p.key === undefined
          ? data
          : (data as Record<string, unknown> | null)?.[p.key];
    }
    try {
      return method.apply(instance, args);
    } catch (error) {
      throw thrown(error);
    }
  };
}

/**
 * A handler with a validated DTO payload: its arguments, each payload through
 * its validation (synchronous for most DTO classes, so the handler runs in
 * the same tick), then the handler. A validation error is thrown or rejected
 * as the pipe threw it on Nest's path, and answered the same way.
 */
function validatedFactory(
  instance: object,
  method: Method,
  params: Param[],
  argsLength: number,
): DirectHandlerFactory {
  const call = (args: unknown[]): unknown => {
    try {
      return method.apply(instance, args);
    } catch (error) {
      throw thrown(error);
    }
  };
  return (client) => (data) => {
    const args: unknown[] = new Array(argsLength).fill(null);
    let pending: Promise<unknown>[] | undefined;
    for (const p of params) {
      const value = p.socket
        ? client
        : p.key === undefined
          ? data
          : (data as Record<string, unknown> | null)?.[p.key];
      const result = p.validate ? p.validate(value) : value;
      if (result instanceof Promise) {
        pending ??= [];
        pending.push(
          result.then((validated: unknown) => {
            args[p.index] = validated;
          }),
        );
      } else {
        args[p.index] = result;
      }
    }
    return pending ? Promise.all(pending).then(() => call(args)) : call(args);
  };
}

/** The guards' check, then the handler: a refusal is thrown as the guard threw it. */
function guardedFactory(
  check: DirectGuardCheck,
  factory: DirectHandlerFactory,
): DirectHandlerFactory {
  return (client) => {
    const handler = factory(client);
    return (data, frame) => {
      check(client);
      return handler(data, frame);
    };
  };
}

/**
 * Handlers that Nest's per-message context (guards, interceptors, pipes,
 * filters, param resolution, its promise chain) has nothing to do for, made
 * once per handler at start-up and called straight by the connection.
 *
 * A handler qualifies when neither it nor its gateway class declares a guard
 * (but the one below), an interceptor, a pipe or a filter (the module's own
 * funnel filter aside, which only passes errors on to the connection, where a direct handler's
 * errors go anyway), its parameters are `@ConnectedSocket()` and plain
 * `@MessageBody()`, the gateway is a static (singleton) provider, and the app
 * has no global guard, interceptor, pipe or filter (but the ones below).
 * Any other handler keeps Nest's own context, so guards, pipes, filters and
 * interceptors run where they are declared. The one pipe allowed is the
 * module's own `SecureValidationPipe` (the one `validateAllGateways` puts on
 * DTO handlers, or given as a global or `@UsePipes` instance): a payload
 * typed with a DTO class is then validated straight by it, with the same
 * errors. The guards allowed (global, on the class or the handler) are
 * those with a direct check (`DirectGuard`), such as the module's own
 * `WsAuthGuard`: its requirements are read once per handler and checked
 * straight against the connection's session, with the same FORBIDDEN frames.
 *
 * Nest's metadata keys come from `src/nest/internals.ts`.
 */
@Injectable()
export class DirectHandlers {
  private compiled: Map<string, DirectHandlerFactory> | undefined;

  constructor(
    private readonly modules: ModulesContainer,
    @Inject(ApplicationConfig) private readonly config: ApplicationConfig,
  ) {}

  /** The direct handler of `message` on the gateway path `path`, if it has one. */
  lookup(path: string, message: string): DirectHandlerFactory | undefined {
    this.compiled ??= this.compile();
    return this.compiled.get(`${path} ${message}`);
  }

  /** Global enhancers other than the module's validation pipe. */
  private hasGlobalEnhancers(module: Module): boolean {
    const c = this.config;
    return (
      directGuardsOf(c.getGlobalGuards(), module) === undefined ||
      c.getGlobalInterceptors().length > 0 ||
      validationPipesOf(c.getGlobalPipes(), module) === undefined ||
      c.getGlobalFilters().length > 0 ||
      c.getGlobalRequestGuards().length > 0 ||
      c.getGlobalRequestInterceptors().length > 0 ||
      c.getGlobalRequestPipes().length > 0 ||
      c.getGlobalRequestFilters().length > 0
    );
  }

  /** Runs on the first bind, once every gateway instance exists and global enhancers are set. */
  private compile(): Map<string, DirectHandlerFactory> {
    const direct = new Map<string, DirectHandlerFactory>();
    /** Keys served by more than one gateway keep Nest's context (which one binds last is Nest's business). */
    const seen = new Set<string>();
    const ambiguous = new Set<string>();
    for (const { gateway, module } of gatewayClasses(this.modules)) {
      const wrapper = module.providers.get(gateway);
      const options = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {}) as {
        path?: string;
      };
      const port = (Reflect.getMetadata(PORT_METADATA, gateway) as number | undefined) ?? 0;
      const path = normalizeGatewayPath(options.path);
      const instance = wrapper?.instance as Record<string, unknown> | undefined;
      const globalPipes = validationPipesOf(this.config.getGlobalPipes(), module);
      const classPipes = validationPipesOf(metadataList(PIPES_METADATA, gateway), module);
      const globalGuards = directGuardsOf(this.config.getGlobalGuards(), module) ?? [];
      const classGuards = directGuardsOf(metadataList(GUARDS_METADATA, gateway), module);
      const eligibleClass =
        !this.hasGlobalEnhancers(module) &&
        wrapper?.isDependencyTreeStatic() === true &&
        instance !== undefined &&
        port === 0 &&
        classGuards !== undefined &&
        metadataList(INTERCEPTORS_METADATA, gateway).length === 0 &&
        metadataList(EXCEPTION_FILTERS_METADATA, gateway).every((f) => f === FUNNEL_FILTER);
      const pipes = globalPipes && classPipes ? [...globalPipes, ...classPipes] : undefined;
      const enhancers = { pipes, guards: [...globalGuards, ...(classGuards ?? [])] };
      this.compileGateway(gateway, module, instance, enhancers, eligibleClass, path, direct, {
        seen,
        ambiguous,
      });
    }
    for (const key of ambiguous) direct.delete(key);
    return direct;
  }

  private compileGateway(
    gateway: Type,
    module: Module,
    instance: Record<string, unknown> | undefined,
    enhancers: { pipes: SecureValidationPipe[] | undefined; guards: DirectGuard[] },
    eligibleClass: boolean,
    path: string,
    direct: Map<string, DirectHandlerFactory>,
    keys: { seen: Set<string>; ambiguous: Set<string> },
  ): void {
    const { seen, ambiguous } = keys;
    const classPipes = enhancers.pipes;
    for (const name of methodNames(gateway)) {
      const method = (gateway.prototype as Record<string, unknown>)[name];
      if (typeof method !== 'function' || !Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method)) {
        continue;
      }
      const message: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
      if (typeof message !== 'string') continue;
      const key = `${path} ${message}`;
      if (seen.has(key)) ambiguous.add(key);
      seen.add(key);
      if (!eligibleClass || !instance || !classPipes) continue;
      const methodPipes = validationPipesOf(metadataList(PIPES_METADATA, method), module);
      const methodGuards = directGuardsOf(metadataList(GUARDS_METADATA, method), module);
      if (
        !methodPipes ||
        methodGuards === undefined ||
        metadataList(INTERCEPTORS_METADATA, method).length > 0 ||
        metadataList(EXCEPTION_FILTERS_METADATA, method).length > 0
      ) {
        continue;
      }
      const params = plainParams(gateway, name, [...classPipes, ...methodPipes]);
      // The method the instance has now (a subclass or a test may have replaced it).
      const bound = instance[name];
      if (!params || typeof bound !== 'function') continue;
      const factory = directFactory(instance, bound as Method, params);
      const guards = [...enhancers.guards, ...methodGuards];
      if (guards.length === 0) {
        direct.set(key, factory);
        continue;
      }
      // Guards in Nest's order (global, class, handler), each checked straight, or Nest's path.
      const check = guardsCheck(guards, method as Method, instance.constructor as Type);
      if (check) direct.set(key, guardedFactory(check, factory));
    }
  }
}
