import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { components } from '@/api/schema';
import { getAccessToken, refreshAccessToken } from './api-client';

/** Frames of the live socket (`/api/v1/support/ws`), generated from the backend's OpenAPI. */
export type ServerFrame = components['schemas']['ServerFrame'];
export type ClientFrame = components['schemas']['ClientFrame'];
export type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** `online`: authenticated; `connecting`: (re)opening; `offline`: the browser has no network, or waiting to retry. */
export type LiveStatus = 'idle' | 'connecting' | 'online' | 'offline';

const SOCKET_PATH = '/api/v1/support/ws';
const CLOSE_POLICY = 1008;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;
// A silent socket is checked with a ping; no pong in time means a dead connection.
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

/** Full jitter: a random wait up to the doubled ceiling, so reconnecting clients spread out. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

type FrameListener = (frame: ServerFrame) => void;

/**
 * The one live socket of a signed-in tab: chat and order events. A guest's order page opens it
 * with the order's key instead (`startGuest`): that order's events and the guest's chat about it. Reconnects with backoff and
 * jitter after a drop or a 1012; every (re)connection starts with `auth_ok`, after which
 * consumers resync (the chat from its `history` frame, boards and order pages over REST).
 * Frames sent while it is down are queued and sent once it is back (typing is dropped).
 */
export class LiveSocket {
  status: LiveStatus = 'idle';
  /** Counts authenticated connections: a change means "resync now". */
  generation = 0;
  user: FrameOf<'auth_ok'>['user'] | null = null;
  private socket: WebSocket | null = null;
  private wanted = false;
  // A guest's order key (subprotocol `order-key.{key}`) in place of a sign-in's token.
  private guestKey: string | null = null;
  private attempt = 0;
  // Each connect() gets a number: one that was overtaken while it awaited a token gives up.
  private connects = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: ClientFrame[] = [];
  private frameListeners = new Set<FrameListener>();
  private statusListeners = new Set<() => void>();
  private readonly onOnline = () => this.retryNow();
  private readonly onOffline = () => this.socket?.close();

  constructor(private readonly url: () => string = defaultUrl) {}

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  /** A guest's socket: the order link's key opens it (no sign-in). */
  startGuest(key: string): void {
    if (this.wanted) return;
    this.guestKey = key;
    this.start();
  }

  stop(): void {
    this.wanted = false;
    this.guestKey = null;
    this.connects += 1;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.retryTimer);
    this.stopPings();
    this.queue = [];
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'signed out');
    this.user = null;
    this.setStatus('idle');
  }

  /** Sends now when online, else queues it (typing notices are not worth queueing). */
  send(frame: ClientFrame): void {
    if (this.status === 'online' && this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
    } else if (frame.type !== 'typing' && frame.type !== 'ping') {
      this.queue.push(frame);
    }
  }

  /** Drops a queued frame (a queued message the user took back); true if it was still queued. */
  unqueue(predicate: (frame: ClientFrame) => boolean): boolean {
    const before = this.queue.length;
    this.queue = this.queue.filter((frame) => !predicate(frame));
    return this.queue.length !== before;
  }

  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener();
  }

  private retryNow(): void {
    if (!this.wanted || this.socket) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  private async connect(): Promise<void> {
    if (!this.wanted) return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.setStatus('offline');
      return; // the `online` event brings it back
    }
    this.setStatus('connecting');
    const mine = ++this.connects;
    if (this.guestKey) {
      this.open(['shop-support', `order-key.${this.guestKey}`]);
      return;
    }
    let token = getAccessToken();
    if (!token) token = await refreshAccessToken().catch(() => null);
    if (!this.wanted || mine !== this.connects || this.socket) return;
    if (!token) {
      this.scheduleRetry();
      return;
    }
    this.open(['shop-support', `bearer.${token}`]);
  }

  private open(protocols: string[]): void {
    const socket = new WebSocket(this.url(), protocols);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(socket, event);
    socket.onclose = (event) => void this.closed(socket, event);
  }

  private receive(socket: WebSocket, event: MessageEvent): void {
    if (socket !== this.socket || typeof event.data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(event.data) as ServerFrame;
    } catch {
      return;
    }
    clearTimeout(this.pongTimer);
    if (frame.type === 'auth_ok') {
      this.attempt = 0;
      this.user = frame.user;
      this.generation += 1;
      this.setStatus('online');
      this.startPings(socket);
      const queued = this.queue;
      this.queue = [];
      for (const item of queued) socket.send(JSON.stringify(item));
    }
    for (const listener of this.frameListeners) listener(frame);
  }

  private async closed(socket: WebSocket, event: CloseEvent): Promise<void> {
    if (socket !== this.socket) return;
    this.socket = null;
    this.stopPings();
    if (!this.wanted) return;
    // A guest's key no longer opens the order (revoked, or an account claimed it): the page's next read says so.
    if (event.code === CLOSE_POLICY && this.guestKey) {
      this.setStatus('idle');
      return;
    }
    if (event.code === CLOSE_POLICY) {
      // A stale token, or the session ended: a refresh tells which (a refused one signs out).
      const token = await refreshAccessToken().catch(() => undefined);
      if (token === null || !this.wanted) return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.setStatus(typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'connecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), backoffDelay(this.attempt));
    this.attempt += 1;
  }

  private startPings(socket: WebSocket): void {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: 'ping' }));
      this.pongTimer = setTimeout(() => socket.close(4000, 'no pong'), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private stopPings(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}

function defaultUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${SOCKET_PATH}`;
}

/** The tab's one socket, started by the app while someone is signed in. */
export const live = new LiveSocket();

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => live.onStatus(listener),
    () => live.status,
    () => live.status,
  );
}

/** The number of authenticated connections so far: a change means "reload what you show". */
export function useLiveGeneration(): number {
  return useSyncExternalStore(
    (listener) => live.onStatus(listener),
    () => live.generation,
    () => live.generation,
  );
}

/** Calls `handler` with every frame while mounted (the latest handler, without resubscribing). */
export function useLiveFrames(handler: FrameListener): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => live.onFrame((frame) => latest.current(frame)), []);
}

let refCounter = 0;
/** A client label for a frame, echoed on its answer. */
export function nextRef(prefix = 'r'): string {
  refCounter += 1;
  return `${prefix}${Date.now().toString(36)}-${refCounter}`;
}
