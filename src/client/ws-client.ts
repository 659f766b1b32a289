import { WsCloseCode } from '../errors/error-codes.js';
import { PendingRequests } from './pending-requests.js';
import {
  type ResolvedReconnectOptions,
  reconnectDelay,
  resolveReconnect,
} from './reconnect-backoff.js';
import { positionOf, type RoomPosition, RoomPositions } from './room-positions.js';
import { RESUME_EVENT, type RoomResumeResult, resumeRooms } from './room-resume.js';
import {
  acceptsHeaders,
  OPEN,
  resolveWebSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from './web-socket.js';
import { ClientErrorCode, WsClientError } from './ws-client-error.js';
import { type TokenTransport, type WsClientOptions } from './ws-client-options.js';
import {
  type IsUntyped,
  type PayloadArgs,
  type PushData,
  type PushEvent,
  type ReplyData,
  type RequestEvent,
  type UntypedContract,
  type WsContract,
} from './ws-contract.js';

/** `idle` → `connecting` → (`authenticating`) → `open` ⇄ `reconnecting` → `closed`. */
export type WsClientState =
  | 'idle'
  | 'connecting'
  | 'authenticating'
  | 'open'
  | 'reconnecting'
  | 'closed';

/** How the last socket closed, given to state listeners. */
export interface WsCloseInfo {
  code: number;
  reason: string;
  /** False when the close was terminal (4403, 4401 without a fresh token, `close()`, attempts used up). */
  willReconnect: boolean;
}

/** What the server said in its `auth` reply. */
export interface WsAuthSession {
  userId: string;
  expiresAt: number | undefined;
}

/** A frame from the server, as received. */
export interface ServerFrame<T = unknown> {
  event: string;
  data: T;
  id?: string | number;
  /** On pushes through a room that keeps history. */
  pos?: { room: string; offset: number; epoch: string };
  /** The trace the push belongs to (W3C trace context), when the server traced what caused it. */
  traceparent?: string;
}

export interface RequestOptions {
  /** @default the client's `requestTimeoutMs` */
  timeoutMs?: number;
  /**
   * Send an `idempotencyKey` made here (`crypto.randomUUID()`): the server
   * runs the request at most once, so an unanswered request is sent again,
   * with the same key, after a reconnect (and its resume). @default false
   */
  idempotent?: boolean;
  /** Send this `idempotencyKey` (1 to 64 characters); implies `idempotent`. */
  idempotencyKey?: string;
}

type Listener = (data: never, frame: ServerFrame) => void;
/** `this` of the untyped overloads: only a client without a contract may call them. */
type Untyped<C extends WsContract> = IsUntyped<C> extends true ? WsClient<C> : never;
type StateListener = (state: WsClientState, close?: WsCloseInfo) => void;
type ResumeListener = (rooms: RoomResumeResult[]) => void;

/** A room the server could not read the history of (or a resume that failed) is resumed again after this. */
const RESUME_RETRY_MS = 1000;
/** Answers to `session.resume` that a retry would get again. */
const FINAL_RESUME_ERRORS = new Set([
  'UNKNOWN_EVENT',
  'BAD_FRAME',
  'VALIDATION_FAILED',
  'FORBIDDEN',
]);

const AUTH_EVENT = 'auth';
const EXPIRING_EVENT = 'session.expiring';
const ERROR_EVENT = 'error';

function isFrame(value: unknown): value is ServerFrame {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { event?: unknown }).event === 'string'
  );
}

/**
 * A client of a gateway that speaks the module's wire contract: requests
 * answered by id, pushes by event, typed errors, reconnects with backoff,
 * token refresh. No Node-only code: it runs in browsers and Node alike.
 *
 * `WsClient<Contract>` (a contract written by `nestjs-secure-ws types`)
 * checks event names, payloads and replies at compile time.
 */
export class WsClient<C extends WsContract = UntypedContract> {
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly transport: Exclude<TokenTransport, 'auto'>;
  private readonly reconnectOptions: ResolvedReconnectOptions | undefined;
  private readonly pending = new PendingRequests();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stateListeners = new Set<StateListener>();
  private socket: WebSocketLike | undefined;
  private currentState: WsClientState = 'idle';
  private connecting: Promise<void> | undefined;
  private settleConnect: { resolve(): void; reject(error: WsClientError): void } | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private lastToken: string | undefined;
  private nextId = 1;
  /** The refresh a `session.expiring` push started; one at a time. */
  private autoRefresh: Promise<unknown> | undefined;
  /** Set by the last `auth` reply (first-message auth or a refresh). */
  session: WsAuthSession | undefined;
  /** The last position held in each room that keeps history (learnt from joins and pushes). */
  readonly positions = new RoomPositions();
  private readonly resumeListeners = new Set<ResumeListener>();
  /** Some socket of this client opened before: the next opening resumes the rooms. */
  private openedBefore = false;
  /** While `session.resume` runs after a reconnect, other requests wait. */
  private resuming = false;
  /** Rooms resumed because a push skipped offsets; their pushes past the hole wait for the replay. */
  private readonly repairing = new Set<string>();

  constructor(private readonly options: WsClientOptions) {
    this.WebSocketClass = resolveWebSocket(options.WebSocket);
    const transport = options.tokenTransport ?? 'auto';
    this.transport =
      transport === 'auto'
        ? acceptsHeaders(this.WebSocketClass)
          ? 'header'
          : 'protocol'
        : transport;
    this.reconnectOptions =
      options.reconnect === false ? undefined : resolveReconnect(options.reconnect);
  }

  get state(): WsClientState {
    return this.currentState;
  }

  /**
   * Opens the connection; resolves once the socket is open (with `message`
   * transport, once `auth` is answered) and rejects if it closes for good
   * first. A token refused at connect arrives after the open, as an
   * `UNAUTHENTICATED` error frame and a 4401 close.
   */
  connect(): Promise<void> {
    if (this.currentState === 'open') return Promise.resolve();
    if (!this.connecting) {
      this.connecting = new Promise<void>((resolve, reject) => {
        this.settleConnect = { resolve, reject };
      });
      this.connecting.catch(() => undefined);
      if (this.currentState === 'idle' || this.currentState === 'closed') {
        this.attempt = 0;
        void this.openSocket('connecting');
      }
    }
    return this.connecting;
  }

  /**
   * Sends `{ event, data, id }` and resolves with the reply's `data`. Rejects
   * with a `WsClientError`: the server's error code, `TIMEOUT`,
   * `CONNECTION_LOST` or `CLOSED`. While (re)connecting, the frame waits and
   * is sent once open, within the same timeout.
   */
  request<E extends RequestEvent<C>>(
    event: E,
    ...args: PayloadArgs<C, E, [options?: RequestOptions]>
  ): Promise<ReplyData<C, E>>;
  /** Untyped clients: the reply's type is the caller's word. */
  request<T = unknown>(
    this: Untyped<C>,
    event: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<T>;
  request(event: string, data?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.currentState === 'closed' || this.currentState === 'idle') {
      return Promise.reject(
        new WsClientError(ClientErrorCode.CLOSED, 'The client is not connected', { event }),
      );
    }
    const key =
      options.idempotencyKey ?? (options.idempotent ? globalThis.crypto.randomUUID() : undefined);
    return this.enqueue(event, data, options.timeoutMs, false, key);
  }

  /**
   * Called after each reconnect's `session.resume` with every followed
   * room's outcome: `recovered` (missed messages delivered) or not, with a
   * reason (`HISTORY_LOST`: reload that room's state); also with
   * `HISTORY_LOST` alone when a live push shows a room's epoch changed,
   * and with one room when a push skipped offsets and the client resumed
   * that room to get them. Returns the unsubscribe.
   */
  onResume(listener: ResumeListener): () => void {
    this.resumeListeners.add(listener);
    return () => {
      this.resumeListeners.delete(listener);
    };
  }

  /** Stops following a room's position (after leaving it): it is no longer resumed. */
  forgetRoom(room: string): void {
    this.positions.forget(room);
  }

  /** Sends `{ event, data }` without an id, if the socket is open; returns whether it was sent. */
  send<E extends RequestEvent<C>>(event: E, ...args: PayloadArgs<C, E, []>): boolean;
  send(event: string, data?: unknown): boolean {
    if (this.currentState !== 'open' || this.socket?.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify({ event, data, traceparent: this.options.traceparent?.() }));
    return true;
  }

  /**
   * Listens to pushes of `event` (e.g. `room.message`, `session.expiring`).
   * `on('error', fn)` gets error frames that answer no pending request, and
   * failed refreshes, as `WsClientError`. Returns the unsubscribe function.
   */
  on(event: 'error', listener: (error: WsClientError, frame: ServerFrame) => void): () => void;
  on<E extends PushEvent<C>>(
    event: E,
    listener: (data: PushData<C, E>, frame: ServerFrame<PushData<C, E>>) => void,
  ): () => void;
  /** Untyped clients: the push's type is the caller's word. */
  on<T = unknown>(
    this: Untyped<C>,
    event: string,
    listener: (data: T, frame: ServerFrame<T>) => void,
  ): () => void;
  on(event: string, listener: (data: never, frame: ServerFrame<never>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as unknown as Listener;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Listens to state changes; a change caused by a close carries its code and reason. */
  onStateChange(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  /** Gets a fresh token from `getToken()` and sends `auth` with it; resolves with the new session. */
  async refresh(): Promise<WsAuthSession> {
    const token = await this.fetchToken();
    if (!token) throw new WsClientError(ClientErrorCode.NO_TOKEN, 'getToken() gave no token');
    return this.authenticate(token, false);
  }

  /** Closes for good: no reconnect; waiting requests reject with `CLOSED`. */
  close(code: number = WsCloseCode.NORMAL, reason = 'client closed'): void {
    const socket = this.socket;
    this.terminate({ code, reason, willReconnect: false });
    socket?.close(code, reason);
  }

  private async openSocket(state: 'connecting' | 'reconnecting', token?: string): Promise<void> {
    this.setState(state);
    let fresh = token;
    try {
      fresh ??= await this.fetchToken();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.terminate({ code: 0, reason: `getToken() failed: ${message}`, willReconnect: false });
      return;
    }
    if (this.currentState !== state) return;
    this.lastToken = fresh;
    const protocols = fresh && this.transport === 'protocol' ? ['access_token', fresh] : undefined;
    const headers =
      fresh && this.transport === 'header' ? { Authorization: `Bearer ${fresh}` } : undefined;
    let socket: WebSocketLike;
    try {
      socket = (
        headers
          ? new this.WebSocketClass(this.options.url, protocols, { headers })
          : new this.WebSocketClass(this.options.url, protocols)
      ) as WebSocketLike;
    } catch (error) {
      // A bad URL, or a token the implementation refuses as a subprotocol.
      const message = error instanceof Error ? error.message : String(error);
      this.terminate({ code: 0, reason: message, willReconnect: false });
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.onSocketOpen(socket, fresh);
    socket.onmessage = (message) => {
      if (socket === this.socket) this.onMessage(message.data);
    };
    socket.onclose = (event) => {
      if (socket === this.socket) void this.onSocketClose(event.code, event.reason);
    };
    socket.onerror = () => undefined;
  }

  private onSocketOpen(socket: WebSocketLike, token: string | undefined): void {
    if (socket !== this.socket) return;
    if (token && this.transport === 'message') {
      this.setState('authenticating');
      this.authenticate(token, true).then(
        () => this.opened(),
        () => undefined, // the server closes 4401 after refusing; onSocketClose decides
      );
    } else {
      this.opened();
    }
  }

  private opened(): void {
    this.attempt = 0;
    const resume = this.openedBefore && this.positions.size > 0;
    this.openedBefore = true;
    this.resuming = resume;
    this.setState('open');
    if (resume) void this.resume();
    else for (const entry of this.pending.unsent()) this.transmit(entry);
    this.settleConnect?.resolve();
    this.settleConnect = undefined;
    this.connecting = undefined;
  }

  /**
   * After a reconnect: `session.resume` for every followed room, missed
   * messages first, then the requests that waited (idempotent ones sent
   * again with their key). Rooms the server could not read are tried again.
   */
  private async resume(rooms = this.positions.all()): Promise<void> {
    const socket = this.socket;
    const { results, again } = await this.sendResume(socket, rooms);
    if (socket !== this.socket) return;
    this.resuming = false;
    for (const entry of this.pending.unsent()) this.transmit(entry);
    if (again.length > 0) {
      setTimeout(() => {
        if (socket !== this.socket || this.currentState !== 'open') return;
        void this.resume(again.flatMap((room) => this.positions.get(room) ?? []));
      }, RESUME_RETRY_MS);
    }
    if (results.length > 0) this.notifyResume(results);
  }

  /**
   * A push skipped offsets of a followed room: `session.resume` for that
   * room from the last offset held brings the skipped messages, then the
   * rest, in order (pushes past the hole are dropped until then: the server
   * replays them). The room is resumed again after a failure, like after a
   * reconnect, without holding other requests back.
   */
  private async repair(held: RoomPosition): Promise<void> {
    if (this.repairing.has(held.room)) return;
    this.repairing.add(held.room);
    const socket = this.socket;
    const { results, again } = await this.sendResume(socket, [held]).finally(() =>
      this.repairing.delete(held.room),
    );
    if (socket !== this.socket) return;
    if (again.length > 0) {
      setTimeout(() => {
        const now = this.positions.get(held.room);
        if (socket === this.socket && this.currentState === 'open' && now) void this.repair(now);
      }, RESUME_RETRY_MS);
    }
    if (results.length > 0) this.notifyResume(results);
  }

  /**
   * `session.resume` for `rooms` on `socket`: each room's outcome, and the
   * rooms to resume again shortly (the server could not read them, or the
   * request failed other than for good).
   */
  private async sendResume(
    socket: WebSocketLike | undefined,
    rooms: RoomPosition[],
  ): Promise<{ results: RoomResumeResult[]; again: string[] }> {
    let results: RoomResumeResult[] = [];
    const again: string[] = [];
    try {
      results = await resumeRooms(
        this.positions,
        (data) => this.enqueue(RESUME_EVENT, data, undefined, true),
        rooms,
      );
    } catch (error) {
      if (socket === this.socket) {
        this.emit(ERROR_EVENT, error, { event: RESUME_EVENT, data: null });
        // A server without resume, or that refuses the request itself, will not change its mind.
        const code = (error as { code?: unknown } | null)?.code;
        if (!FINAL_RESUME_ERRORS.has(String(code))) again.push(...rooms.map(({ room }) => room));
      }
    }
    for (const result of results) {
      if (!result.recovered && result.reason === 'UNAVAILABLE') again.push(result.room);
    }
    return { results, again };
  }

  private notifyResume(results: RoomResumeResult[]): void {
    for (const listener of this.resumeListeners) listener(results);
  }

  private async authenticate(token: string, duringConnect: boolean): Promise<WsAuthSession> {
    const data = (await this.enqueue(AUTH_EVENT, { token }, undefined, duringConnect)) as {
      userId?: unknown;
      expiresAt?: unknown;
    } | null;
    this.lastToken = token;
    this.session = {
      userId: String(data?.userId ?? ''),
      expiresAt: typeof data?.expiresAt === 'number' ? data.expiresAt : undefined,
    };
    return this.session;
  }

  private enqueue(
    event: string,
    data: unknown,
    timeoutMs = this.options.requestTimeoutMs ?? 10_000,
    sendNow = false,
    idempotencyKey?: string,
  ): Promise<unknown> {
    const id = String(this.nextId++);
    const traceparent = this.options.traceparent?.();
    const frame = JSON.stringify({ event, data, id, idempotencyKey, traceparent });
    const { promise, entry } = this.pending.add(
      id,
      event,
      frame,
      timeoutMs,
      idempotencyKey !== undefined,
    );
    if (sendNow || (this.currentState === 'open' && !this.resuming)) this.transmit(entry);
    return promise;
  }

  private transmit(entry: { frame: string; sent: boolean }): void {
    if (this.socket?.readyState !== OPEN) return;
    this.socket.send(entry.frame);
    entry.sent = true;
  }

  private onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    if (!isFrame(frame)) return;
    const isError = frame.event === ERROR_EVENT;
    const waiting =
      frame.id !== undefined
        ? this.pending.get(String(frame.id))
        : this.answerWithoutId(frame, isError);
    if (waiting) {
      if (isError) {
        waiting.reject(WsClientError.fromFrame(frame.data));
        return;
      }
      const learnt = positionOf((frame.data as { pos?: unknown } | null)?.pos);
      if (learnt) this.positions.learn(learnt);
      waiting.resolve(frame.data);
      return;
    }
    const position = frame.id === undefined ? positionOf(frame.pos) : undefined;
    if (position) {
      const held = this.positions.get(position.room);
      // Offsets skipped (a server of an earlier release could): not shown now, replayed in order.
      if (held && held.epoch === position.epoch && position.offset > held.offset + 1) {
        void this.repair(held);
        return;
      }
      if (!this.positions.acceptPush(position)) return;
      // A new epoch on a live push: the room's history was lost while this client followed it.
      if (held && held.epoch !== position.epoch) {
        this.notifyResume([{ room: position.room, recovered: false, reason: 'HISTORY_LOST' }]);
      }
    }
    if (isError) {
      this.emit(ERROR_EVENT, WsClientError.fromFrame(frame.data), frame);
      return;
    }
    if (
      frame.event === EXPIRING_EVENT &&
      this.options.refreshOnExpiring !== false &&
      this.options.getToken
    ) {
      this.autoRefresh ??= this.refresh()
        .catch((error: unknown) => this.emit(ERROR_EVENT, error, frame))
        .finally(() => {
          this.autoRefresh = undefined;
        });
    }
    this.emit(frame.event, frame.data, frame);
  }

  /** Servers may answer `auth` (or refuse it) without echoing the id. */
  private answerWithoutId(frame: ServerFrame, isError: boolean) {
    const event = isError ? (frame.data as { event?: unknown } | null)?.event : frame.event;
    return event === AUTH_EVENT ? this.pending.oldestOf(AUTH_EVENT) : undefined;
  }

  private emit(event: string, data: unknown, frame: ServerFrame): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (data: unknown, frame: ServerFrame) => void)(data, frame);
    }
  }

  private async onSocketClose(code: number, reason: string): Promise<void> {
    this.socket = undefined;
    this.pending.rejectAll(
      () => this.closeError(code, reason, ClientErrorCode.CONNECTION_LOST),
      true,
    );
    const next = await this.nextStep(code);
    if (this.currentState === 'closed' || this.currentState === 'idle') return;
    if (next === 'stop') {
      this.terminate({ code, reason, willReconnect: false });
      return;
    }
    const delay = reconnectDelay(this.attempt, this.reconnectOptions as ResolvedReconnectOptions);
    this.attempt += 1;
    this.setState('reconnecting', { code, reason, willReconnect: true });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.currentState === 'reconnecting') void this.openSocket('reconnecting', next.token);
    }, delay);
  }

  /** Whether to reconnect after this close code, and with which token. */
  private async nextStep(code: number): Promise<'stop' | { token?: string }> {
    const reconnect = this.reconnectOptions;
    if (!reconnect || this.attempt >= reconnect.maxAttempts) return 'stop';
    if (code === WsCloseCode.SESSION_REVOKED) return 'stop';
    if (code !== WsCloseCode.UNAUTHENTICATED) return {};
    if (!this.options.getToken) return 'stop';
    const rejected = this.lastToken;
    try {
      const token = await this.fetchToken();
      return token && token !== rejected ? { token } : 'stop';
    } catch {
      return 'stop';
    }
  }

  private terminate(close: WsCloseInfo): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.socket = undefined;
    const error = () => this.closeError(close.code, close.reason, ClientErrorCode.CLOSED);
    this.pending.rejectAll(error, false);
    this.settleConnect?.reject(error());
    this.settleConnect = undefined;
    this.connecting = undefined;
    this.setState('closed', close);
  }

  /** The close's error code (its reason, e.g. TOKEN_EXPIRED) when it has one, else `fallback`. */
  private closeError(code: number, reason: string, fallback: string): WsClientError {
    const byServer = /^[A-Z][A-Z0-9_]{1,63}$/.test(reason) ? reason : undefined;
    return new WsClientError(
      byServer ?? fallback,
      `Connection closed (${code}${reason ? ` ${reason}` : ''})`,
      {
        details: { closeCode: code },
      },
    );
  }

  private async fetchToken(): Promise<string | undefined> {
    const token = this.options.getToken ? await this.options.getToken() : this.options.token;
    return token || undefined;
  }

  private setState(state: WsClientState, close?: WsCloseInfo): void {
    if (this.currentState === state && !close) return;
    this.currentState = state;
    for (const listener of this.stateListeners) listener(state, close);
  }
}
