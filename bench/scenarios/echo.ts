/**
 * (1) JSON echo: `{"event":"echo","data":{"text":"hello"},"id":"<n>"}` answered
 * with the same envelope, under the windowed request/response load.
 */
import { formatRate } from '../lib/format.js';
import { CONCURRENT_ECHO_EVENT, concurrentEchoFrame } from '../lib/messages.js';
import { ratioAtLeast, type Scenario } from '../lib/scenario.js';
import { attachTracingVariants, tracingVariants } from '../lib/tracing-cost.js';
import { tracingPairs } from '../lib/tracing-pairs.js';
import { windowedSpec } from '../lib/windowed.js';

const echoSpec = windowedSpec('echo', { auth: false });

export const echo: Scenario = {
  number: 1,
  id: 'echo',
  title: 'JSON echo',
  metric: { unit: 'msg/s', format: formatRate('msg/s'), higherIsBetter: true },
  latency: 'round trip',
  target: ratioAtLeast(0.9),
  interleaved: {
    ...echoSpec,
    // --tracing: the module without its tracing plugin and with the SDK, in the same slices,
    variants: tracingVariants,
    attachVariants: attachTracingVariants,
    // then rounds of fresh processes for the verdict on "tracing off within 3%".
    thenMeasure: tracingPairs(echoSpec),
  },
};

/**
 * (8) The same echo on the module's `@Concurrent()` handler: frames of a
 * connection are not kept in order. Its module row against scenario 1's
 * module row is the cost of ordered dispatch.
 */
export const echoConcurrent: Scenario = {
  number: 8,
  id: 'echo-concurrent',
  title: 'JSON echo, @Concurrent() handler (vs 1: cost of ordering)',
  metric: { unit: 'msg/s', format: formatRate('msg/s'), higherIsBetter: true },
  latency: 'round trip',
  onlyFor: { kinds: ['module'], reason: 'module only: its ordered echo is scenario 1' },
  interleaved: windowedSpec(
    { frame: concurrentEchoFrame, replyEvent: CONCURRENT_ECHO_EVENT },
    { auth: false },
  ),
};
