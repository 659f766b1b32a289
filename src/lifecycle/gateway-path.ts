/** A gateway's path as the adapter routes it: leading slash, no trailing slash, `/` when none. */
export function normalizeGatewayPath(path: string | undefined): string {
  if (!path) return '/';
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
