import { type StandardSchemaV1 } from '@standard-schema/spec';

/** Turns a Standard Schema into JSON Schema when its library does not say how itself. */
export type StandardSchemaToJson = (schema: StandardSchemaV1) => object | undefined;

/** The AsyncAPI document of the app's gateways (`SecureWsAsyncApi`), and where it is served. */
export interface AsyncApiOptions {
  /** Serve the document at this HTTP path, e.g. `'/asyncapi.json'`. @default undefined (not served) */
  path?: string;
  /** @default { title: 'WebSocket API', version: '1.0.0' } */
  info?: { title?: string; version?: string; description?: string };
  /**
   * The server's `host` (and port). @default the request's `Host` header when
   * served, else `'localhost:3000'`
   */
  host?: string;
  /** @default 'wss' when served over HTTPS, else 'ws' */
  protocol?: 'ws' | 'wss';
  /**
   * Converts a Standard Schema whose library has no `~standard.jsonSchema`
   * Tried first; without it, valibot's are converted by `@valibot/to-json-schema`
   * when the app has it installed.
   * @default undefined
   */
  toJsonSchema?: StandardSchemaToJson;
}
