import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/api-types';
import { findEcho, gapBefore, mergeMessages } from './messages';

const message = (id: number, text = `m${id}`, fromStaff = false): ChatMessage => ({
  id,
  conversation_id: 1,
  author_id: fromStaff ? 2 : 3,
  from_staff: fromStaff,
  text,
  created_at: new Date(Date.UTC(2026, 0, 1, 10, 0, id)).toISOString(),
});

describe('mergeMessages', () => {
  it('keeps each message once, in id order, whatever order they arrive in', () => {
    const live = [message(1), message(2), message(5)];
    const history = [message(2), message(3), message(4), message(5), message(6)];
    expect(mergeMessages(live, history).map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(mergeMessages(history, live).map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('gapBefore', () => {
  it('finds the messages a long disconnect left out of the history frame', () => {
    expect(gapBefore([message(1), message(2)], [message(60), message(61)], true)).toEqual({ after: 2, before: 60 });
  });
  it('sees no gap when the history reaches back to what was shown', () => {
    expect(gapBefore([message(1), message(2)], [message(2), message(3)], true)).toBeNull();
    expect(gapBefore([message(1), message(2)], [message(60)], false)).toBeNull();
    expect(gapBefore([], [message(60)], true)).toBeNull();
  });
});

describe('findEcho', () => {
  it('finds a message the customer sent before a drop among newer ones of theirs only', () => {
    const stored = [message(4, 'hello'), message(7, 'hello', true), message(9, 'hello')];
    expect(findEcho({ text: 'hello', sentAfter: 5 }, stored)?.id).toBe(9);
    expect(findEcho({ text: 'hello', sentAfter: 9 }, stored)).toBeUndefined();
  });
});
