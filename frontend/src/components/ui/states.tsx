import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '@/lib/problem-message';
import { Button } from './button';

/** The error state of a screen: what went wrong (the problem's detail) and a retry. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="flex flex-col items-center gap-3 rounded-2xl border border-danger/30 bg-danger-soft px-6 py-10 text-center">
      <p className="font-display text-xl text-ink">{title ?? t('states.errorTitle')}</p>
      <p className="max-w-prose text-ink-muted">{problemMessage(t, error)}</p>
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          {t('actions.retry')}
        </Button>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-3 rounded-2xl border border-dashed border-line-strong px-6 py-12 text-center">
      <p className="font-display text-xl text-ink">{title}</p>
      {children ? <div className="max-w-prose text-ink-muted">{children}</div> : null}
      {action}
    </div>
  );
}
