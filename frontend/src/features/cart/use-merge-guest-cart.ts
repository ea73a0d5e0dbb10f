import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { paths } from '@/config/paths';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';
import { mergeGuestCart } from './api/merge-cart';
import { useGuestCart } from './guest-cart';

/**
 * Once signed in, the cart filled as a guest joins the customer's cart, and the customer is
 * told what came along and what could not (a line cut to the most a line holds, a product no
 * longer sold). A failed merge keeps the lines here and is tried again on the next page load.
 */
export function useMergeGuestCart(signedIn: boolean): void {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  const pending = useGuestCart().length > 0;
  useEffect(() => {
    if (!signedIn || !pending) return;
    mergeGuestCart(queryClient).then(
      (outcome) => {
        if (!outcome) return;
        const { merged, result } = outcome;
        const name = (productId: number) => merged.find((line) => line.product_id === productId)?.name ?? `#${productId}`;
        const units = merged.reduce((sum, line) => sum + line.quantity, 0);
        const details = [
          ...result.capped.map((line) => t('cart.mergeCapped', { name: name(line.product_id), count: line.quantity })),
          ...result.dropped.map((line) => t(`cart.mergeDropped.${line.reason}`, { name: name(line.product_id) })),
        ];
        notify({
          tone: details.length ? 'info' : 'success',
          text: t('cart.merged', { count: units }),
          details,
          action: { label: t('cart.view'), to: paths.cart },
        });
      },
      (error: unknown) => notify({ tone: 'error', text: t('cart.mergeFailed'), details: [problemMessage(t, error)] }),
    );
  }, [signedIn, pending, queryClient, t]);
}
