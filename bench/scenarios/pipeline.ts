/**
 * (2) Full pipeline per message: a guard (the session from the JWT verified
 * at connect must carry the `profile:write` scope) and class-validator on
 * `{ email: IsEmail, displayName?: string 1..64 }`, replying `profile.updated`.
 * Raw ws does the checks inline with the same class-validator DTO; stock Nest
 * uses @UseGuards + ValidationPipe; the module uses WsAuthGuard +
 * @RequireScopes and its own SecureValidationPipe (whitelist, unknown
 * properties refused).
 */
import { formatRate } from '../lib/format.js';
import { ratioAtLeast, type Scenario } from '../lib/scenario.js';
import { windowedSpec } from '../lib/windowed.js';

export const pipeline: Scenario = {
  number: 2,
  id: 'pipeline',
  title: 'guard + DTO validation',
  metric: { unit: 'msg/s', format: formatRate('msg/s'), higherIsBetter: true },
  latency: 'round trip',
  target: ratioAtLeast(0.85),
  interleaved: windowedSpec('profile', { auth: true }),
};
