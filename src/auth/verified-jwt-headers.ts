import { type JwtHeader } from './jwt-header.js';

/**
 * The parsed headers of tokens whose signature checked out, by their header
 * segment as sent. The tokens of one issuer share a handful of headers, so
 * most tokens skip the header's base64 and JSON (the JWT library decodes it
 * again for its own checks). Only a valid signature puts a header here, so
 * clients cannot fill it with made-up ones; it holds at most `capacity`
 * headers, and forgets the oldest first.
 */
export class VerifiedJwtHeaders {
  private readonly headers = new Map<string, JwtHeader>();

  constructor(private readonly capacity = 16) {}

  get(segment: string): JwtHeader | undefined {
    return this.headers.get(segment);
  }

  remember(segment: string, header: JwtHeader): void {
    if (this.headers.has(segment)) return;
    if (this.headers.size >= this.capacity) {
      const oldest = this.headers.keys().next().value;
      if (oldest !== undefined) this.headers.delete(oldest);
    }
    // A copy: a slice of the token would keep the whole token alive.
    this.headers.set(Buffer.from(segment, 'latin1').toString('latin1'), header);
  }
}
