import { type ExecutionContext, Injectable } from '@nestjs/common';
import {
  connectionOf,
  type DirectGuard,
  type DirectGuardCheck,
  SecureWsException,
  WsErrorCode,
} from '../../../src/index.js';

/** The example of docs/extending.md, "Guards checked straight". */
@Injectable()
export class TenantGuard implements DirectGuard {
  canActivate(context: ExecutionContext): boolean {
    this.check(context.switchToWs().getClient());
    return true;
  }

  directCheck(): DirectGuardCheck {
    return (client) => this.check(client);
  }

  private check(client: unknown): void {
    if (connectionOf(client)?.session?.claims.tenant !== 'a') {
      throw new SecureWsException(WsErrorCode.FORBIDDEN, 'Wrong tenant');
    }
  }
}
