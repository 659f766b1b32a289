import { type TokenSourceOptions } from '../auth/auth-options.interface.js';
import { type JsonSchema } from './json-schema.js';

export interface SecuritySetup {
  sources: TokenSourceOptions;
  firstMessage: boolean;
}

const OFF = ' Off in this configuration.';

/**
 * The ways a client presents its JWT (in the module's order), as AsyncAPI
 * security schemes; `operationSecurity` lists the ones this configuration
 * accepts (any one of them).
 */
export function securitySchemes({ sources, firstMessage }: SecuritySetup): {
  schemes: Record<string, JsonSchema>;
  operationSecurity: JsonSchema[];
} {
  const header = sources.header !== false;
  const subprotocol = sources.subprotocol !== false;
  const schemes: Record<string, JsonSchema & { on: boolean }> = {
    bearerHeader: {
      on: header,
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `\`Authorization: Bearer <jwt>\` on the upgrade request.${header ? '' : OFF}`,
    },
    subprotocol: {
      on: subprotocol,
      type: 'httpApiKey',
      in: 'header',
      name: 'Sec-WebSocket-Protocol',
      description: `The subprotocol pair \`access_token, <jwt>\`; the server selects \`access_token\`. For browsers.${subprotocol ? '' : OFF}`,
    },
    cookie: {
      on: sources.cookie !== undefined,
      type: 'httpApiKey',
      in: 'cookie',
      name: sources.cookie ?? 'access_token',
      description: `A cookie holding the JWT (name configurable with auth.sources.cookie).${sources.cookie !== undefined ? '' : OFF}`,
    },
    query: {
      on: sources.query === true,
      type: 'httpApiKey',
      in: 'query',
      name: 'access_token',
      description: `The query parameter \`access_token\` (off by default: URLs end up in logs).${sources.query === true ? '' : OFF}`,
    },
    firstMessage: {
      on: firstMessage,
      type: 'apiKey',
      in: 'user',
      description: `No token at connect: send \`{ "event": "auth", "data": { "token": "<jwt>" } }\` before the auth deadline (default 10 s).${firstMessage ? '' : OFF}`,
    },
  };
  const operationSecurity = Object.entries(schemes)
    .filter(([, scheme]) => scheme.on)
    .map(([name]) => ({ $ref: `#/components/securitySchemes/${name}` }));
  return {
    schemes: Object.fromEntries(
      Object.entries(schemes).map(([name, { on: _on, ...scheme }]) => [name, scheme]),
    ),
    operationSecurity,
  };
}
