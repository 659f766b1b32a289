import { type CloseCodeDoc, type ErrorCodeDoc } from './error-code-docs.js';

const ENVELOPE = `Frames are JSON objects. Client to server: \`{ "event", "data", "id", "idempotencyKey", "traceparent" }\`
(\`id\`: a string of at most 64 characters or an integer, echoed by the reply and any error;
\`idempotencyKey\`: 1 to 64 characters, the request runs at most once per user and key;
\`traceparent\`: W3C trace context). Server to client: replies \`{ "event", "data", "id" }\`, pushes
\`{ "event", "data" }\` (with \`pos: { room, offset, epoch }\` through a room that keeps history) and
error frames \`{ "event": "error", "data": { "code", "message", "event", "details", "retryAfterMs" }, "id" }\`.`;

/** The document's description: the envelope, then the error and close code tables. */
export function contractDescription(
  intro: string | undefined,
  codes: ErrorCodeDoc[],
  closeCodes: CloseCodeDoc[],
): string {
  const errorRows = codes.map(
    ({ code, when, connection }) => `| \`${code}\` | ${when} | ${connection} |`,
  );
  const closeRows = closeCodes.map(({ code, meaning }) => `| ${code} | ${meaning} |`);
  return [
    ...(intro ? [intro, ''] : []),
    ENVELOPE,
    '',
    '## Error codes',
    '',
    '| code | when | the connection |',
    '| --- | --- | --- |',
    ...errorRows,
    '',
    'Before closing, the server sends the error frame, then closes with the code below and the error code as the close reason.',
    '',
    '## Close codes',
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...closeRows,
  ].join('\n');
}
