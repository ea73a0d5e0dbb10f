import { api } from '@/lib/api-client';
import type { ApiBody, Cart } from '@/lib/api-types';

// The options (issue 24) are the cart helper's contract; the `&` goes once the generated types carry them.
export type AddCartItemInput = ApiBody<'/api/v1/cart/items', 'post'> & { variant_id?: number; modifier_ids?: number[] };

/** Adds units of a product to the signed-in cart (to its line when there is one); answers the whole cart. */
export async function addCartItem(input: AddCartItemInput): Promise<Cart> {
  const { data } = await api.post<Cart>('/cart/items', input);
  return data;
}
