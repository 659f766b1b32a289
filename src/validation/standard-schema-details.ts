import { type StandardSchemaV1 } from '@standard-schema/spec';
import { type ValidationDetail } from './validation-details.js';

const MAX_DETAILS = 20;
const MAX_PATH_LENGTH = 128;
const MAX_MESSAGE_LENGTH = 256;
/** Valibot's "…but received "x"" and "Invalid email: Received "x"" quote the value. */
const RECEIVED_VALUE = /(?:\s+but received|:\s*Received)\s.*$/s;

/** The issue's message without the value it received. */
function messageOf(issue: StandardSchemaV1.Issue): string {
  return String(issue.message).replace(RECEIVED_VALUE, '').slice(0, MAX_MESSAGE_LENGTH);
}

function pathOf(issue: StandardSchemaV1.Issue, prefix: string | undefined): string {
  const segments = (issue.path ?? []).map((segment) =>
    String(typeof segment === 'object' ? segment.key : segment),
  );
  return (prefix ? [prefix, ...segments] : segments).join('.').slice(0, MAX_PATH_LENGTH);
}

/**
 * Standard Schema issues (zod, valibot, ArkType…) as the same
 * `[{ path: 'address.city', constraints }]` as class-validator's: one entry
 * per path, in the order the library reported them. Never a value: the
 * values some libraries quote in their messages are cut off. `prefix`: the
 * payload property the schema validates (`@MessageBody('name', { schema })`).
 */
export function standardSchemaDetails(
  issues: readonly StandardSchemaV1.Issue[],
  prefix?: string,
): ValidationDetail[] {
  const byPath = new Map<string, string[]>();
  for (const issue of issues) {
    const path = pathOf(issue, prefix);
    const constraints = byPath.get(path);
    if (constraints) constraints.push(messageOf(issue));
    else if (byPath.size < MAX_DETAILS) byPath.set(path, [messageOf(issue)]);
  }
  return [...byPath].map(([path, constraints]) => ({ path, constraints }));
}
