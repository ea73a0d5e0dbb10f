import { useTranslation } from 'react-i18next';
import type { OrderStatus } from '@/lib/api-types';

const tones: Record<OrderStatus, string> = {
  pending: 'bg-accent-soft text-accent',
  paid: 'bg-brand-soft text-brand-strong',
  preparing: 'bg-brand-soft text-brand-strong',
  ready: 'bg-success-soft text-success',
  completed: 'bg-surface-sunken text-ink',
  cancelled: 'bg-danger-soft text-danger',
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation();
  return <span className={`inline-flex w-fit items-center rounded-full px-2.5 py-0.5 text-sm font-semibold ${tones[status]}`}>{t(`orders.statuses.${status}`)}</span>;
}
