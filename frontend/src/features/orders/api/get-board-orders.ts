import { api } from '@/lib/api-client';
import type { OrderPage, OrderSummary } from '@/lib/api-types';
import { BOARD_STATUSES } from '../board';

/** Every order a store's board shows (all pages), staff only. */
export async function getBoardOrders(storeId: number, signal?: AbortSignal): Promise<OrderSummary[]> {
  const orders: OrderSummary[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await api.get<OrderPage>('/orders', { params: { store_id: storeId, status__in: BOARD_STATUSES, page, page_size: 100, sort: 'created_at' }, signal });
    orders.push(...data.items);
    if (page >= data.pages) return orders;
  }
}
