import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';

/**
 * The token a gateway's `@MessageBody({ schema })` handlers carry in their
 * pipes metadata, bound by each app to its own `SecureStandardSchemaPipe`
 * (or to nothing when `validateAllGateways` is `false`), like
 * `GatewayPayloadValidation` for DTO handlers. See `GatewayDiscovery`.
 */
@Injectable()
export class GatewaySchemaValidation implements PipeTransform {
  transform(value: unknown, _metadata: ArgumentMetadata): unknown {
    return value;
  }
}
