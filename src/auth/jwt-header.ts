/** The parts of a JWT header the verifier reads before any cryptography. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

const MAX_HEADER_LENGTH = 1024;
const MAX_KID_LENGTH = 256;

/**
 * Reads the header of a compact JWS (`header.payload.signature`) without
 * verifying anything: cheap, so that tokens naming an unknown key or a
 * refused algorithm cost no signature check.
 */
export function readJwtHeader(token: string): JwtHeader | undefined {
  const firstDot = token.indexOf('.');
  if (firstDot <= 0 || firstDot > MAX_HEADER_LENGTH) return undefined;
  const secondDot = token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, firstDot), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null) return undefined;
  const { alg, kid } = header as Record<string, unknown>;
  if (typeof alg !== 'string') return undefined;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > MAX_KID_LENGTH))
    return undefined;
  return { alg, kid };
}

const CACHED_HEADERS = 32;

/**
 * `readJwtHeader` for the tokens of one issuer, whose headers are the same
 * few strings (`{"alg":"HS256","typ":"JWT"}`, one per key id): each is
 * decoded once and kept. At most 32 are kept (a flood of distinct headers
 * empties the cache, it never grows past that), each at most 1 KiB.
 */
export class JwtHeaderCache {
  private readonly headers = new Map<string, JwtHeader>();

  read(token: string): JwtHeader | undefined {
    const firstDot = token.indexOf('.');
    if (firstDot <= 0 || firstDot > MAX_HEADER_LENGTH) return undefined;
    const part = token.slice(0, firstDot);
    const cached = this.headers.get(part);
    if (cached) {
      // The rest of the shape is the token's own.
      const secondDot = token.indexOf('.', firstDot + 1);
      if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
      return cached;
    }
    const header = readJwtHeader(token);
    if (!header) return undefined;
    if (this.headers.size >= CACHED_HEADERS) this.headers.clear();
    this.headers.set(part, header);
    return header;
  }
}
