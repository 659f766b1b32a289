import type { Scenario } from '../lib/scenario.js';

/** (6) Cross-node delivery through Redis: comes with the module's Redis scale-out. */
export const crossNode: Scenario = {
  number: 6,
  id: 'cross-node',
  title: 'cross-node via Redis',
  metric: { unit: '', format: () => 'not measured yet', higherIsBetter: true },
  notMeasured: 'not measured yet (Redis scale-out is not in the module yet)',
};
