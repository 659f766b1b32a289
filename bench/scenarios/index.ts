import type { Scenario } from '../lib/scenario.js';
import { broadcast } from './broadcast.js';
import { crossNode } from './cross-node.js';
import { echo, echoConcurrent } from './echo.js';
import { handshake } from './handshake.js';
import { memory } from './memory.js';
import { pipeline } from './pipeline.js';
import { stalled } from './stalled.js';

/** Every scenario, in the order of the issue. */
export const SCENARIOS: Scenario[] = [
  echo,
  pipeline,
  handshake,
  memory,
  broadcast,
  crossNode,
  stalled,
  echoConcurrent,
];
