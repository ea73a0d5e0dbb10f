import { createContext, useContext } from 'react';

/**
 * Whose cart the page works on: a guest's (kept in this browser), a signed-in customer's (on
 * the server), or not known yet while the session is being restored. The app layer provides it.
 */
export type CartOwner = 'guest' | 'customer' | 'unknown';
export const CartOwnerContext = createContext<CartOwner>('unknown');

export function useCartOwner(): CartOwner {
  return useContext(CartOwnerContext);
}
