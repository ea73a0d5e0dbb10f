import type { OrderStatus, OrderSummary } from '@/lib/api-types';

export type BoardColumn = 'new' | 'preparing' | 'ready';
export const BOARD_COLUMNS: readonly BoardColumn[] = ['new', 'preparing', 'ready'];
/** What a board loads over REST (`status__in`): every status it shows. */
export const BOARD_STATUSES = 'pending,paid,preparing,ready';

const statusColumn: Partial<Record<OrderStatus, BoardColumn>> = { pending: 'new', paid: 'new', preparing: 'preparing', ready: 'ready' };

/** An order's column; a card order awaiting its payment is nothing to prepare yet (none). */
function columnOf(order: OrderSummary): BoardColumn | undefined {
  if (order.status === 'pending' && order.payment_method === 'card') return undefined;
  return statusColumn[order.status];
}

/** The one step forward the counter takes with an order (the API checks the status machine). */
export const NEXT_STATUS: Partial<Record<OrderStatus, OrderStatus>> = { pending: 'paid', paid: 'preparing', preparing: 'ready', ready: 'completed' };

export type Board = ReadonlyMap<number, OrderSummary>;

/**
 * An order as a frame or the list brought it: the later `updated_at` wins (a frame may be
 * older than the list's copy), and completed or cancelled ones leave the board.
 */
export function upsertOrder(board: Board, order: OrderSummary): Board {
  const known = board.get(order.id);
  if (known && Date.parse(known.updated_at) > Date.parse(order.updated_at)) return board;
  const next = new Map(board);
  if (columnOf(order)) next.set(order.id, order);
  else next.delete(order.id);
  return next;
}

/** Each column's orders, oldest first (the order they are served in). */
export function boardColumns(board: Board): Record<BoardColumn, OrderSummary[]> {
  const columns: Record<BoardColumn, OrderSummary[]> = { new: [], preparing: [], ready: [] };
  for (const order of board.values()) {
    const column = columnOf(order);
    if (column) columns[column].push(order);
  }
  for (const list of Object.values(columns)) list.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  return columns;
}
