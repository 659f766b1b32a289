/**
 * A gateway's path as the adapter routes and keys it: leading slash, no
 * trailing slash, `/` when none (or not a string, as read from metadata).
 */
export function normalizeGatewayPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') return '/';
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
