import { BadRequestException, Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { parseTtl, signToken } from '../token.js';

/** The secret development tokens are signed with (the app's JWT secret). */
export const DEV_TOKEN_SECRET = Symbol('DEV_TOKEN_SECRET');

const SUBJECT = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_TTL_SECONDS = 3600;

/**
 * `GET /dev/token?sub=alice&ttl=5m`: a token for the demo page to sign in
 * with. Registered only outside production (see `DemoModule`).
 */
@Controller('dev')
export class DevTokenController {
  constructor(@Inject(DEV_TOKEN_SECRET) private readonly secret: string) {}

  @Get('token')
  token(
    @Query('sub') sub: string | undefined,
    @Query('ttl') ttl: string | undefined,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): unknown },
  ): { token: string; expiresAt: number } {
    if (typeof sub !== 'string' || !SUBJECT.test(sub)) {
      throw new BadRequestException('sub must be 1 to 64 letters, digits, "-", "_" or "."');
    }
    const ttlSeconds = this.ttlOf(ttl ?? '300');
    response.setHeader('Cache-Control', 'no-store');
    return {
      token: signToken(this.secret, { sub, ttlSeconds }),
      expiresAt: Date.now() + ttlSeconds * 1000,
    };
  }

  private ttlOf(text: string): number {
    let seconds: number;
    try {
      seconds = parseTtl(text);
    } catch {
      seconds = Number.NaN;
    }
    if (!(seconds <= MAX_TTL_SECONDS)) {
      throw new BadRequestException(
        `ttl must be a duration from 1s to ${MAX_TTL_SECONDS}s, like 30s or 5m`,
      );
    }
    return seconds;
  }
}
