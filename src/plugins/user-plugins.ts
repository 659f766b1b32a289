import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  SECURE_WS_PLUGINS,
  type SecureWsPlugin,
  type SecureWsPluginRef,
} from '../connection/plugin.interface.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';

/**
 * Adds the `plugins` option's plugins after the module's own, once every
 * provider of the app exists (before the app listens): a class is the app's
 * provider of it wherever it is declared, else a new instance created with
 * injection in the module's context.
 */
@Injectable()
export class UserPlugins implements OnModuleInit {
  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    @Inject(SECURE_WS_PLUGINS) private readonly plugins: SecureWsPlugin[],
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const ref of this.options.plugins) this.plugins.push(await this.resolve(ref));
  }

  private async resolve(ref: SecureWsPluginRef): Promise<SecureWsPlugin> {
    if (typeof ref !== 'function') return ref;
    const type = ref as Type<SecureWsPlugin>;
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}
