import { HttpException } from '@nestjs/common';
import { type StoredError } from './idempotency-store.interface.js';

/**
 * Answers a repeat with the error its first run ended with, through the
 * funnel's `wsError` seam: the same code, message and details, logged as
 * a client error (the first run was logged already).
 */
export class ReplayedErrorException extends HttpException {
  constructor(error: StoredError) {
    super({ wsError: { ...error, unexpected: false } }, 400);
  }
}
