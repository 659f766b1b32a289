import {
  type SecureWsPlugin,
  type WsEventHandler,
  type WsGatewayInfo,
} from './plugin.interface.js';

const NONE: ReadonlyMap<string, WsEventHandler> = new Map();

/**
 * The plugins' `events`, one table per gateway, built when one of its
 * connections first looks an event up (every plugin is known by then): no
 * per-connection copy. The first plugin that declares a name keeps it.
 */
export class PluginEvents {
  private readonly byGateway = new WeakMap<WsGatewayInfo, ReadonlyMap<string, WsEventHandler>>();

  constructor(private readonly plugins: readonly SecureWsPlugin[]) {}

  /** The plugin event of that name on `gateway`, if any. */
  lookup(gateway: WsGatewayInfo, event: string): WsEventHandler | undefined {
    return this.tableOf(gateway).get(event);
  }

  private tableOf(gateway: WsGatewayInfo): ReadonlyMap<string, WsEventHandler> {
    let table = this.byGateway.get(gateway);
    if (!table) {
      table = gateway.format === 'json' ? this.build(gateway) : NONE;
      this.byGateway.set(gateway, table);
    }
    return table;
  }

  private build(gateway: WsGatewayInfo): ReadonlyMap<string, WsEventHandler> {
    const table = new Map<string, WsEventHandler>();
    for (const plugin of this.plugins) {
      const events = plugin.events?.(gateway);
      for (const [name, handler] of Object.entries(events ?? {})) {
        if (!table.has(name)) table.set(name, handler);
      }
    }
    return table.size === 0 ? NONE : table;
  }
}
