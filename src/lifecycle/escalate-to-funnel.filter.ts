import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';

/**
 * Put last among every gateway's filters: whatever the user's own filters
 * do not take is thrown on to the adapter, whose funnel answers it with the
 * request's `event` and `id`. Without it, Nest's default filter would answer
 * "Internal server error" with the client's payload echoed.
 */
@Catch()
export class EscalateToFunnelFilter implements ExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): never {
    throw exception;
  }
}

/** The one instance the module puts in every gateway's filters. */
export const FUNNEL_FILTER = new EscalateToFunnelFilter();
