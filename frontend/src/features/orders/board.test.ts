import { describe, expect, it } from 'vitest';
import type { OrderStatus, OrderSummary } from '@/lib/api-types';
import { boardColumns, upsertOrder, type Board } from './board';

const order = (id: number, status: OrderStatus, updatedSecond: number, method: OrderSummary['payment_method'] = 'balance'): OrderSummary => ({
  id,
  number: `N${id}`,
  status,
  payment: 'account',
  payment_method: method,
  hold_expires_at: null,
  pay_url: null,
  user_id: 1,
  customer_name: 'Dana',
  guest: null,
  store: { id: 1, name: 'Kreuzberg', address: 'Oranienstraße 1', city: 'Berlin' },
  total: '7.00',
  currency: 'EUR',
  items: [],
  refunded_total: '0.00',
  refunds: [],
  created_at: new Date(Date.UTC(2026, 0, 1, 10, 0, id)).toISOString(),
  updated_at: new Date(Date.UTC(2026, 0, 1, 10, 0, updatedSecond)).toISOString(),
});

describe('the order board', () => {
  it('puts orders in their columns, oldest first', () => {
    let board: Board = new Map();
    for (const o of [order(3, 'paid', 3), order(1, 'pending', 1), order(2, 'preparing', 2), order(4, 'ready', 4)]) board = upsertOrder(board, o);
    const columns = boardColumns(board);
    expect(columns.new.map((o) => o.id)).toEqual([1, 3]);
    expect(columns.preparing.map((o) => o.id)).toEqual([2]);
    expect(columns.ready.map((o) => o.id)).toEqual([4]);
  });

  it('leaves a card order off the board until its payment arrives', () => {
    let board: Board = upsertOrder(new Map(), order(1, 'pending', 1, 'card'));
    board = upsertOrder(board, order(2, 'pending', 2, 'pickup'));
    expect(boardColumns(board).new.map((o) => o.id)).toEqual([2]);
    board = upsertOrder(board, order(1, 'paid', 3, 'card'));
    expect(boardColumns(board).new.map((o) => o.id)).toEqual([1, 2]);
  });

  it('keeps the later copy when a frame is older than the list', () => {
    let board: Board = upsertOrder(new Map(), order(1, 'preparing', 20));
    board = upsertOrder(board, order(1, 'paid', 10));
    expect(board.get(1)?.status).toBe('preparing');
  });

  it('lets completed and cancelled orders leave', () => {
    let board: Board = upsertOrder(new Map(), order(1, 'ready', 1));
    board = upsertOrder(board, order(1, 'completed', 2));
    expect(board.size).toBe(0);
    expect(upsertOrder(new Map(), order(2, 'cancelled', 1)).size).toBe(0);
  });
});
