/**
 * Runs `beat` three times per presence TTL (so one lost beat does not let
 * the node's presence lapse), on a timer that does not keep the process
 * alive. The caller clears it at close.
 */
export function startPresenceHeartbeat(presenceTtlMs: number, beat: () => void): NodeJS.Timeout {
  const timer = setInterval(beat, Math.max(Math.floor(presenceTtlMs / 3), 1));
  timer.unref();
  return timer;
}
