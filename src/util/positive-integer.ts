/**
 * Throws one sentence naming the option when `value` is not a positive
 * integer, e.g. `SecureWsModule: "maxPayload" must be a positive integer, got 0.`
 * `undefined` passes unless `required`.
 */
export function checkPositiveInteger(
  name: string,
  value: unknown,
  { owner = 'SecureWsModule', required = false }: { owner?: string; required?: boolean } = {},
): void {
  if (value === undefined && !required) return;
  if (!(Number.isInteger(value) && (value as number) > 0)) {
    throw new Error(`${owner}: "${name}" must be a positive integer, got ${String(value)}.`);
  }
}

/** `checkPositiveInteger` for each named option of `options`, named `<path><name>`. */
export function checkPositiveIntegers<T extends object>(
  owner: string,
  options: T,
  names: readonly (keyof T & string)[],
  path = '',
): void {
  for (const name of names) checkPositiveInteger(`${path}${name}`, options[name], { owner });
}
