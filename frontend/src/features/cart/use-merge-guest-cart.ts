import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useGuestCart } from './guest-cart';

/** Once signed in, the cart filled as a guest joins the customer's cart (merge-and-report.ts). */
export function useMergeGuestCart(signedIn: boolean): void {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  const pending = useGuestCart().length > 0;
  useEffect(() => {
    if (signedIn && pending) void import('./merge-and-report').then(({ mergeAndReport }) => mergeAndReport(queryClient, t));
  }, [signedIn, pending, queryClient, t]);
}
