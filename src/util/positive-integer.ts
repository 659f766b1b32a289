/**
 * Checks that each named option, when set, is a positive integer; throws
 * one sentence naming the first that is not, e.g.
 * `SecureWsModule: "maxPayload" must be a positive integer, got 0.`
 */
export function checkPositiveIntegers<T extends object>(
  owner: string,
  options: T,
  names: readonly (keyof T & string)[],
  path = '',
): void {
  for (const name of names) {
    const value = options[name] as unknown;
    if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
      throw new Error(
        `${owner}: "${path}${name}" must be a positive integer, got ${String(value)}.`,
      );
    }
  }
}
