import type { ReactNode } from 'react';
import { Navigate } from 'react-router';
import { paths } from '@/config/paths';
import { useUser } from '../api/get-user';
import { isStaff } from '../roles';
import { RequireAuth } from './require-auth';

/** A page for support staff and admins: a guest signs in first, a customer is sent home. */
export function RequireStaff({ children }: { children: ReactNode }) {
  return (
    <RequireAuth>
      <StaffOnly>{children}</StaffOnly>
    </RequireAuth>
  );
}

function StaffOnly({ children }: { children: ReactNode }) {
  const user = useUser();
  if (!isStaff(user.data)) return <Navigate to={paths.home} replace />;
  return children;
}
