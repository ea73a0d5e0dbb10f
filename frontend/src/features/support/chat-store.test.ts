import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { live } from '@/lib/live-socket';
import { renderHook } from '@testing-library/react';
import { attachChat, resetChat, sendMessage, useChat } from './chat-store';

/** A stand-in for the browser's WebSocket: what the page sent, and frames to hand it. */
class FakeSocket {
  static all: FakeSocket[] = [];
  static OPEN = 1;
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor() {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
  frame(frame: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1012) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const conversation = { id: 7, status: 'open', customer: { id: 3, username: 'dana', full_name: 'Dana' }, order_id: null, assigned_to_id: null, created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z', closed_at: null };
const message = (id: number, text: string, fromStaff = false) => ({ id, conversation_id: 7, author_id: fromStaff ? 2 : 3, from_staff: fromStaff, text, created_at: '2026-01-01T10:00:00Z' });
const authOk = { type: 'auth_ok', user: { id: 3, username: 'dana', role: 'customer' }, staff: false };
const shown = () => {
  const { result } = renderHook(() => useChat());
  return { texts: result.current.messages.map((m) => m.text), pending: result.current.pending.map((p) => p.text) };
};

describe('the chat across a dropped socket', () => {
  let detach: () => void;
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    setAccessToken('token');
    detach = attachChat();
    live.start();
  });
  afterEach(() => {
    detach();
    live.stop();
    resetChat();
    setAccessToken(null);
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  async function reconnect(): Promise<FakeSocket> {
    await vi.advanceTimersByTimeAsync(20_000);
    return FakeSocket.all.at(-1)!;
  }

  it('shows a message whose echo was lost once, sends what was queued once, and fills in what was missed', async () => {
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeSocket.all[0]!;
    first.frame(authOk);
    first.frame({ type: 'history', conversation, messages: [message(1, 'hi')], has_more: false });
    sendMessage('sent, echo lost');
    expect(first.sent.at(-1)).toMatchObject({ type: 'message', text: 'sent, echo lost' });
    first.drop();
    expect(live.status).toBe('connecting');
    sendMessage('queued');
    expect(shown().pending).toEqual(['sent, echo lost', 'queued']);

    const second = await reconnect();
    expect(second).not.toBe(first);
    second.frame(authOk);
    // The queued one goes out with the new connection, once.
    expect(second.sent.filter((f) => f.type === 'message').map((f) => f.text)).toEqual(['queued']);
    // The server had stored the first: the history has it, and an answer sent meanwhile.
    second.frame({ type: 'history', conversation, messages: [message(1, 'hi'), message(2, 'sent, echo lost'), message(3, 'answer', true)], has_more: false });
    expect(second.sent.filter((f) => f.type === 'message').map((f) => f.text)).toEqual(['queued']);
    const queuedRef = second.sent.find((f) => f.text === 'queued')!.ref;
    second.frame({ type: 'message', ...message(4, 'queued'), ref: queuedRef });
    expect(shown()).toEqual({ texts: ['hi', 'sent, echo lost', 'answer', 'queued'], pending: [] });
  });

  it('sends again a message the server never stored', async () => {
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeSocket.all[0]!;
    first.frame(authOk);
    first.frame({ type: 'history', conversation, messages: [message(1, 'hi')], has_more: false });
    sendMessage('lost on the way');
    first.drop();
    const second = await reconnect();
    second.frame(authOk);
    second.frame({ type: 'history', conversation, messages: [message(1, 'hi')], has_more: false });
    const resent = second.sent.filter((f) => f.type === 'message');
    expect(resent.map((f) => f.text)).toEqual(['lost on the way']);
    second.frame({ type: 'message', ...message(2, 'lost on the way'), ref: resent[0]!.ref });
    expect(shown()).toEqual({ texts: ['hi', 'lost on the way'], pending: [] });
  });

  it('counts answers that arrive while the panel is closed', async () => {
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeSocket.all[0]!;
    socket.frame(authOk);
    socket.frame({ type: 'history', conversation, messages: [], has_more: false });
    socket.frame({ type: 'message', ...message(1, 'hello from the shop', true) });
    socket.frame({ type: 'message', ...message(1, 'hello from the shop', true) });
    socket.frame({ type: 'message', ...message(2, 'still there?', true) });
    const { result } = renderHook(() => useChat());
    expect(result.current.messages).toHaveLength(2);
    expect(result.current.unread).toBe(2);
  });
});
