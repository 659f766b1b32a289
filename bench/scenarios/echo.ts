/**
 * (1) JSON echo: `{"event":"echo","data":{"text":"hello"},"id":"<n>"}` answered
 * with the same envelope, under the windowed request/response load.
 */
import { formatRate } from '../lib/format.js';
import { ratioAtLeast, type Scenario } from '../lib/scenario.js';
import { windowedSpec } from '../lib/windowed.js';

export const echo: Scenario = {
  number: 1,
  id: 'echo',
  title: 'JSON echo',
  metric: { unit: 'msg/s', format: formatRate('msg/s'), higherIsBetter: true },
  latency: 'round trip',
  target: ratioAtLeast(0.9),
  interleaved: windowedSpec('echo', { auth: false }),
};
