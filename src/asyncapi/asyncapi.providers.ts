import { type Provider } from '@nestjs/common';
import { AsyncApiRoute } from './asyncapi.route.js';
import { SecureWsAsyncApi } from './secure-ws-asyncapi.service.js';

export const asyncApiProviders: Provider[] = [SecureWsAsyncApi, AsyncApiRoute];
