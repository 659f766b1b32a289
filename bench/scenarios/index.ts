import type { Scenario } from '../lib/scenario.js';
import { echo } from './echo.js';
import { handshake } from './handshake.js';
import { pipeline } from './pipeline.js';

/** Every scenario, in the order of the issue. */
export const SCENARIOS: Scenario[] = [echo, pipeline, handshake];
