/** A published advisory of the `ws` package, and the versions it affects. */
export interface WsAdvisory {
  readonly id: string;
  readonly summary: string;
  /** Affected: at least `introduced`, below `fixed`. */
  readonly introduced: string;
  readonly fixed: string;
}

/**
 * Advisories of `ws` 8 that a server built on this module is exposed to.
 * Sources: GitHub advisories GHSA-3h5v-q93c-6h6q, GHSA-58qx-3vcg-4xpx and
 * GHSA-96hv-2xvq-fx4p. Add a row when a new one is published.
 */
export const WS_ADVISORIES: readonly WsAdvisory[] = [
  {
    id: 'CVE-2024-37890',
    summary: 'a request with more headers than server.maxHeadersCount crashes the server',
    introduced: '8.0.0',
    fixed: '8.17.1',
  },
  {
    id: 'CVE-2026-45736',
    summary: 'close() with a TypedArray reason discloses uninitialized memory',
    introduced: '8.0.0',
    fixed: '8.20.1',
  },
  {
    id: 'CVE-2026-48779',
    summary: 'a flood of tiny fragments exhausts memory below maxPayload',
    introduced: '8.0.0',
    fixed: '8.21.0',
  },
];

function parts(version: string): number[] {
  return (version.split(/[-+]/)[0] as string).split('.').map((part) => Number(part) || 0);
}

/** Negative, zero or positive as `a` is below, equal to or above `b` (major.minor.patch). */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The advisories that affect this version of `ws`. */
export function advisoriesOf(version: string): WsAdvisory[] {
  return WS_ADVISORIES.filter(
    (advisory) =>
      compareVersions(version, advisory.introduced) >= 0 &&
      compareVersions(version, advisory.fixed) < 0,
  );
}
