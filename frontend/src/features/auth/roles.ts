import type { User } from '@/lib/api-types';

/** Support staff and admins answer the chat and run the order boards (the API checks it too). */
export function isStaff(user: Pick<User, 'role'> | null | undefined): boolean {
  return user?.role === 'support' || user?.role === 'admin';
}
