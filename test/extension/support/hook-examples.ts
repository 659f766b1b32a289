import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  type InboundFrame,
  type SecureWsPlugin,
  type WsConnection,
  type WsErrorReply,
  type WsFrameHandler,
} from '../../../src/index.js';

/*
 * The examples of docs/extending.md "Every hook, with an example", as they
 * are written there (test/extension/hook-examples.e2e.test.ts runs them and
 * checks that the page still shows this code).
 */

// --- onHandshake, onOpen, onClose
@Injectable()
export class ConnectionAudit implements SecureWsPlugin {
  readonly outcomes = new Map<string, number>();
  readonly open = new Set<string>();
  readonly closes: number[] = [];

  onHandshake(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  onOpen(connection: WsConnection): void {
    this.open.add(connection.id);
    connection.push('welcome', { connectionId: connection.id });
  }

  onClose(connection: WsConnection, code: number): void {
    // Also called for connections that never opened (refused at authentication).
    if (this.open.delete(connection.id)) this.closes.push(code);
  }
}

// --- beforeMessage
@Injectable()
export class MaintenanceMode implements SecureWsPlugin {
  on = false;

  beforeMessage(_connection: WsConnection, frame: InboundFrame): WsErrorReply | undefined {
    if (!this.on || frame.event === 'auth') return undefined;
    return { code: 'FORBIDDEN', message: 'Read-only during maintenance', unexpected: false };
  }
}

// --- onRefusedFrame
@Injectable()
export class UnknownEventBudget implements SecureWsPlugin {
  private readonly refused = new WeakMap<WsConnection, number>();

  onRefusedFrame(connection: WsConnection): WsErrorReply | undefined {
    const count = (this.refused.get(connection) ?? 0) + 1;
    this.refused.set(connection, count);
    if (count <= 3) return undefined;
    return {
      code: 'RATE_LIMITED',
      message: 'Too many frames that reach no handler',
      retryAfterMs: 1000,
      unexpected: false,
    };
  }
}

// --- wrapHandler
@Injectable()
export class AuditTrail implements SecureWsPlugin {
  readonly entries: string[] = [];

  wrapHandler(
    connection: WsConnection,
    frame: InboundFrame,
    handler: WsFrameHandler,
  ): WsFrameHandler {
    if (frame.event === 'ping') return handler; // left alone
    return (data, inbound) => {
      this.entries.push(`${connection.session?.userId ?? 'anonymous'} ${inbound.event}`);
      return handler(data, inbound);
    };
  }
}

// --- aroundMessage
export const currentUser = new AsyncLocalStorage<string>();

@Injectable()
export class UserScope implements SecureWsPlugin {
  aroundMessage(connection: WsConnection, _frame: InboundFrame, handle: () => void): void {
    currentUser.run(connection.session?.userId ?? 'anonymous', handle);
  }
}

// --- afterMessage
@Injectable()
export class SlowHandlers implements SecureWsPlugin {
  readonly slow: string[] = [];

  afterMessage(connection: WsConnection, event: string, outcome: string, durationMs: number): void {
    if (durationMs < 100) return;
    this.slow.push(`${event} ${outcome}`);
    connection.logger.warn({ event, outcome, durationMs }, 'Slow handler');
  }
}

// --- onErrorFrame
@Injectable()
export class ErrorCounts implements SecureWsPlugin {
  readonly byCode = new Map<string, number>();

  onErrorFrame(_connection: WsConnection, code: string): void {
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
  }
}

/** The gateway the examples run against. */
@WebSocketGateway({ path: '/hooks' })
export class HooksGateway {
  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }

  @SubscribeMessage('whoami')
  whoami(): { user: string | undefined } {
    return { user: currentUser.getStore() };
  }

  @SubscribeMessage('slow')
  async slow(@MessageBody() ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'done';
  }
}
