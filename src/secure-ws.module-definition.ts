import { ConfigurableModuleBuilder } from '@nestjs/common';
import { type SecureWsModuleOptions } from './options/secure-ws-options.interface.js';

export const {
  ConfigurableModuleClass: SecureWsConfigurableModule,
  MODULE_OPTIONS_TOKEN: SECURE_WS_MODULE_OPTIONS,
  OPTIONS_TYPE: SECURE_WS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SECURE_WS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SecureWsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** The resolved options (see `options/secure-ws-options.token.ts`). */
export { SECURE_WS_OPTIONS } from './options/secure-ws-options.token.js';
