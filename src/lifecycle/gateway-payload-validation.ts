import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';

/**
 * The token a gateway's DTO handlers carry in their pipes metadata. The
 * metadata lives on the class, which every app in the process shares, so it
 * holds only this token; each app binds the token, in the gateway's own
 * module, to its own pipe (or to nothing when `validateAllGateways` is
 * `false`). See `GatewayDiscovery`.
 *
 * Constructed by Nest itself only where an app scanned the metadata before
 * binding it; that instance passes values through and is replaced before
 * any gateway is bound.
 */
@Injectable()
export class GatewayPayloadValidation implements PipeTransform {
  transform(value: unknown, _metadata: ArgumentMetadata): unknown {
    return value;
  }
}
