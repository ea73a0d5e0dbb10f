import { api } from '@/lib/api-client';
import type { ApiBody, Cart } from '@/lib/api-types';

/** A product as configured (issue 24): its variant and modifiers are optional (the first variant, the defaults). */
export type AddCartItemInput = ApiBody<'/api/v1/cart/items', 'post'>;

/** Adds units of a product to the signed-in cart (to its line when there is one); answers the whole cart. */
export async function addCartItem(input: AddCartItemInput): Promise<Cart> {
  const { data } = await api.post<Cart>('/cart/items', input);
  return data;
}
