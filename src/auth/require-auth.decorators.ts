import { SetMetadata } from '@nestjs/common';

export const REQUIRED_ROLES = 'secure-ws:required-roles';
export const REQUIRED_SCOPES = 'secure-ws:required-scopes';
export const REQUIRED_CLAIMS = 'secure-ws:required-claims';

/** The handler (or every handler of the class) needs all these roles. Checked by `WsAuthGuard`. */
export const RequireRoles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The handler (or every handler of the class) needs all these scopes. Checked by `WsAuthGuard`. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The session's claims must hold these values (compared with `===`). Checked by `WsAuthGuard`. */
export const RequireClaims = (claims: Record<string, string | number | boolean>) =>
  SetMetadata(REQUIRED_CLAIMS, claims);
