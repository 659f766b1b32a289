import type { Scenario } from '../lib/scenario.js';

/** (6) Cross-node delivery through Redis: a later part of the issue. */
export const crossNode: Scenario = {
  number: 6,
  id: 'cross-node',
  title: 'cross-node via Redis',
  metric: { unit: '', format: () => 'not measured yet', higherIsBetter: true },
  notMeasured: 'not measured yet (needs a Redis server; comes with the Redis scenario)',
};
