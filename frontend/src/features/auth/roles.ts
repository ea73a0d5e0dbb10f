import type { User } from '@/lib/api-types';

/** Support staff and admins answer the chat and run the order boards (the API checks it too). */
export function isStaff(user: Pick<User, 'role'> | null | undefined): boolean {
  return user?.role === 'support' || user?.role === 'admin';
}

/**
 * Refunding a line is a money decision: admins only, as the one permission table says
 * (`ORDER_PERMISSIONS` in backend/app/auth/permissions.py; the API refuses anyone else).
 */
export function mayRefundLine(user: Pick<User, 'role'> | null | undefined): boolean {
  return user?.role === 'admin';
}
