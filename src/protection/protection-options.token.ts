/** The resolved `protection` options (see `ResolvedProtectionOptions`). */
export const PROTECTION_OPTIONS = Symbol('SECURE_WS_PROTECTION_OPTIONS');
