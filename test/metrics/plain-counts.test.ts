import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PlainHistogram } from '../../src/metrics/plain-counts.js';

const BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
const OBSERVED: [string, number][] = [
  ['echo', 0.0001],
  ['echo', 0.0005],
  ['echo', 0.003],
  ['profile.update', 0.02],
  ['echo', 7],
  ['profile.update', 0.5],
];

describe('PlainHistogram', () => {
  it("renders exactly as prom-client's Histogram given the same observations", async () => {
    const theirs = new Registry();
    const histogram = new Histogram({
      name: 'h_seconds',
      help: 'help text',
      labelNames: ['event'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const ours = new Registry();
    const plain = new PlainHistogram('h_seconds', 'help text', 'event', BUCKETS, [ours]);
    for (const [event, value] of OBSERVED) {
      histogram.observe({ event }, value);
      plain.observe(event, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    expect(await ours.getSingleMetricAsString('h_seconds')).toContain(
      'h_seconds_count{event="echo"} 4',
    );
  });

  it('starts over on reset, as the registry asks', async () => {
    const registry = new Registry();
    const plain = new PlainHistogram('h_seconds', 'help text', 'event', BUCKETS, [registry]);
    plain.observe('echo', 0.001);
    registry.resetMetrics();
    expect(await registry.metrics()).toBe(
      '# HELP h_seconds help text\n# TYPE h_seconds histogram\n',
    );
  });
});
