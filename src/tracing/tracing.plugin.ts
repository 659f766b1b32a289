import { type IncomingMessage } from 'node:http';
import { type HandshakeRefusal, type SecureWsPlugin } from '../connection/plugin.interface.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { type InboundFrame } from '../frames/frame.js';
import { MessageSpans } from './message-spans.js';
import { UpgradeSpans } from './upgrade-spans.js';
import { type WsTracing } from './ws-tracing.js';

/**
 * OpenTelemetry spans of upgrades and messages, on the plugin hooks. Runs
 * first, so that it sees every handshake and message the others refuse.
 */
export class TracingPlugin implements SecureWsPlugin {
  private readonly upgrades: UpgradeSpans;
  private readonly messages: MessageSpans;

  constructor(private readonly tracing: WsTracing) {
    this.upgrades = new UpgradeSpans(tracing);
    this.messages = new MessageSpans(tracing);
  }

  checkHandshake(request: IncomingMessage): HandshakeRefusal | undefined {
    this.upgrades.started(request);
    return undefined;
  }

  onHandshake(outcome: string, request?: IncomingMessage): void {
    if (request && outcome !== 'accepted') this.upgrades.refused(request, outcome);
  }

  onOpen(connection: WsConnection): void {
    this.upgrades.admitted(connection);
  }

  onClose(connection: WsConnection, code: number): void {
    this.upgrades.closed(connection, code);
  }

  /**
   * Present only while an SDK is registered: without one, the module does
   * not even wrap the message (wrapping costs a few hundred ns).
   */
  get aroundMessage(): SecureWsPlugin['aroundMessage'] {
    return this.tracing.sdkRegistered ? this.wrapMessage : undefined;
  }

  private readonly wrapMessage = (
    connection: WsConnection,
    frame: InboundFrame,
    handle: () => void,
  ): void => this.messages.around(connection, frame, handle);

  afterMessage(connection: WsConnection, _event: string, outcome: string): void {
    this.messages.after(connection, outcome);
  }

  onErrorFrame(connection: WsConnection, code: string): void {
    this.messages.errorFrame(connection, code);
  }
}
