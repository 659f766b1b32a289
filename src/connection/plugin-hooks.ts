import { type SecureWsPlugin } from './plugin.interface.js';

/** The hooks a connection calls, and the adapter's `checkHandshake` and `onHandshake`. */
type ConnectionHook =
  | 'checkHandshake'
  | 'onHandshake'
  | 'onAdmissionFrame'
  | 'onOpen'
  | 'onClose'
  | 'aroundMessage'
  | 'beforeMessage'
  | 'onRefusedFrame'
  | 'wrapHandler'
  | 'afterMessage'
  | 'onErrorFrame';

const NONE: readonly SecureWsPlugin[] = [];

/** The plugins that have `hook` (a method, a getter or a field, even one that is undefined for now), in order. */
function withHook(
  plugins: readonly SecureWsPlugin[],
  hook: ConnectionHook,
): readonly SecureWsPlugin[] {
  const found = plugins.filter((plugin) => hook in plugin);
  return found.length === 0 ? NONE : found;
}

/**
 * The plugin list split by connection hook: each list holds only the
 * plugins that have that hook, in plugin order, so a loop over a hook no
 * plugin has costs nothing per message and the others skip the plugins
 * without it. Callers still call `plugin.hook?.(...)` on each entry (with
 * the plugin as `this`): a getter hook may be undefined for a while (the
 * tracing plugin's `aroundMessage` while no SDK is registered).
 *
 * Built from the plugin list when a connection first asks, and again
 * whenever the list's length changed since (the `plugins` option's plugins
 * are appended once every provider exists; see plugins/user-plugins.ts). A
 * hook assigned to a plugin object after that is not seen: give the plugin
 * the method or getter from the start.
 */
export class PluginHooks {
  checkHandshake = NONE;
  onHandshake = NONE;
  onAdmissionFrame = NONE;
  onOpen = NONE;
  onClose = NONE;
  aroundMessage = NONE;
  beforeMessage = NONE;
  onRefusedFrame = NONE;
  wrapHandler = NONE;
  afterMessage = NONE;
  onErrorFrame = NONE;
  private builtFor = -1;

  constructor(private readonly plugins: readonly SecureWsPlugin[]) {}

  /** These lists, rebuilt first if the plugin list changed. */
  current(): this {
    if (this.plugins.length !== this.builtFor) this.build();
    return this;
  }

  private build(): void {
    const plugins = this.plugins;
    this.builtFor = plugins.length;
    this.checkHandshake = withHook(plugins, 'checkHandshake');
    this.onHandshake = withHook(plugins, 'onHandshake');
    this.onAdmissionFrame = withHook(plugins, 'onAdmissionFrame');
    this.onOpen = withHook(plugins, 'onOpen');
    this.onClose = withHook(plugins, 'onClose');
    this.aroundMessage = withHook(plugins, 'aroundMessage');
    this.beforeMessage = withHook(plugins, 'beforeMessage');
    this.onRefusedFrame = withHook(plugins, 'onRefusedFrame');
    this.wrapHandler = withHook(plugins, 'wrapHandler');
    this.afterMessage = withHook(plugins, 'afterMessage');
    this.onErrorFrame = withHook(plugins, 'onErrorFrame');
  }
}

/** What holds the plugin list and, once a connection asked, its `PluginHooks`. */
export interface PluginHooksHolder {
  readonly plugins: readonly SecureWsPlugin[];
  hooks?: PluginHooks;
}

/** The holder's per-hook lists, made on the first call, up to date with its plugin list. */
export function pluginHooksOf(holder: PluginHooksHolder): PluginHooks {
  holder.hooks ??= new PluginHooks(holder.plugins);
  return holder.hooks.current();
}
