import { type SecureWsPluginRef } from '../connection/plugin.interface.js';

/** Checks the `plugins` option: classes or instances. */
export function resolvePluginRefs(plugins: SecureWsPluginRef[] = []): SecureWsPluginRef[] {
  for (const [index, plugin] of plugins.entries()) {
    if (typeof plugin !== 'function' && (typeof plugin !== 'object' || plugin === null)) {
      throw new Error(`SecureWsModule: "plugins[${index}]" must be a plugin class or instance.`);
    }
  }
  return plugins;
}
