/**
 * Parses Prometheus text format into `name{labels}` → value, labels sorted
 * as the registry writes them, e.g. `secure_ws_error_frames_total{code="BAD_FRAME"}`.
 */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Fetches `GET /metrics` of an app on `port` and parses it. */
export async function scrape(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

/** `GET` of `path` on a loopback port: status, content type and body. */
export async function httpGet(
  port: number,
  path: string,
): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}
