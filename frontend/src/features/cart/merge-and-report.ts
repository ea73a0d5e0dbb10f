import type { QueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { paths } from '@/config/paths';
import { loadTexts } from '@/lib/i18n';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';
import { mergeGuestCart } from './api/merge-cart';

/**
 * Merges the cart filled as a guest into the customer's and tells them what came along and
 * what could not (a line cut to the most a line holds, a product no longer sold). Loaded only
 * when there is something to merge.
 */
export async function mergeAndReport(queryClient: QueryClient, t: TFunction): Promise<void> {
  try {
    const [outcome] = await Promise.all([mergeGuestCart(queryClient), loadTexts('shop')]);
    if (!outcome) return;
    const { merged, result } = outcome;
    const name = (productId: number) => merged.find((line) => line.product_id === productId)?.name ?? `#${productId}`;
    const units = merged.reduce((sum, line) => sum + line.quantity, 0);
    const details = [
      ...result.capped.map((line) => t('cart.mergeCapped', { name: name(line.product_id), count: line.quantity })),
      ...result.dropped.map((line) => t(`cart.mergeDropped.${line.reason}`, { name: name(line.product_id) })),
    ];
    notify({ tone: details.length ? 'info' : 'success', text: t('cart.merged', { count: units }), details, action: { label: t('cart.view'), to: paths.cart } });
  } catch (error) {
    // The lines stay in this browser and are merged on the next page load.
    await loadTexts('shop').catch(() => undefined);
    notify({ tone: 'error', text: t('cart.mergeFailed'), details: [problemMessage(t, error)] });
  }
}
