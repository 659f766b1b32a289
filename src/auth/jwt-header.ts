/** The parts of a JWT header the verifier reads before any cryptography. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

const MAX_HEADER_LENGTH = 1024;
const MAX_KID_LENGTH = 256;

/**
 * The header segment of a compact JWS (`header.payload.signature`): the
 * text before the first dot, or `undefined` when the token does not have
 * that shape.
 */
export function jwtHeaderSegment(token: string): string | undefined {
  const firstDot = token.indexOf('.');
  if (firstDot <= 0 || firstDot > MAX_HEADER_LENGTH) return undefined;
  const secondDot = token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
  return token.slice(0, firstDot);
}

/**
 * Reads a header segment (see `jwtHeaderSegment`) without verifying
 * anything: cheap, so that tokens naming an unknown key or a refused
 * algorithm cost no signature check.
 */
export function parseJwtHeader(segment: string): JwtHeader | undefined {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
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
