/** A separate, internal HTTP address for `/metrics`, `/health` and `/health/ready`. */
export interface OperationsOptions {
  /** Port of the operations server; 0 picks a free one (see `OperationsServer.address`). */
  port: number;
  /** Address to bind; keep it private (loopback or an internal network). @default '127.0.0.1' */
  host?: string;
}

export type ResolvedOperationsOptions = Required<OperationsOptions>;

/** Checks the `operations` option and fills in its default host. */
export function resolveOperationsOptions(
  options: OperationsOptions | undefined,
): ResolvedOperationsOptions | undefined {
  if (options === undefined) return undefined;
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new Error('SecureWsModule: "operations.port" must be a port number (0 to 65535).');
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host === '')) {
    throw new Error('SecureWsModule: "operations.host" must be a non-empty address.');
  }
  return { port: options.port, host: options.host ?? '127.0.0.1' };
}
