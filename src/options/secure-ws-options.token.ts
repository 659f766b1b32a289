/** Injection token of the resolved options: every default filled in, every value checked. */
export const SECURE_WS_OPTIONS = Symbol('SECURE_WS_OPTIONS');
