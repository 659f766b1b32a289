import { randomBytes } from 'node:crypto';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ClientAssets } from './client-assets.js';
import { demoPage } from './demo-page.js';

/** The part of the HTTP response the controller touches (Express and Fastify both have it). */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** `GET /`: the demo chat page; `GET /demo/client/*.js`: the compiled client it imports. */
@Controller()
export class DemoController {
  private readonly assets = new ClientAssets();

  @Get()
  page(@Res({ passthrough: true }) response: HeaderSink): string {
    const nonce = randomBytes(16).toString('base64');
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'self' 'nonce-${nonce}'; style-src 'nonce-${nonce}'; ` +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return demoPage(nonce, this.assets.available);
  }

  @Get('demo/:folder/:file')
  asset(
    @Param('folder') folder: string,
    @Param('file') file: string,
    @Res({ passthrough: true }) response: HeaderSink,
  ): string {
    const body = this.assets.get(folder, file);
    if (body === undefined) throw new NotFoundException();
    response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return body;
  }
}
