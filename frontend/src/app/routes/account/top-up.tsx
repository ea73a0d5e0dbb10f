import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths, safeNext } from '@/config/paths';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { useAccounts } from '@/features/money/api/get-accounts';
import { useTopUp } from '@/features/money/api/get-top-up';
import { formatPrice } from '@/lib/format';

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('account.topUpTitle')} />
      <RequireAuth>
        <TopUpStatus />
      </RequireAuth>
    </>
  );
}

/**
 * Where the payment provider sends the customer back. Only the provider's signed webhook
 * credits the balance, and it may land a moment after the customer: the page asks until the
 * top-up is settled.
 */
function TopUpStatus() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const topUpId = Number(useParams().topUpId);
  const [params] = useSearchParams();
  const next = params.get('next') ? safeNext(params.get('next')) : null;
  const accounts = useAccounts();
  const account = accounts.data?.[0];
  const topUp = useTopUp(account?.id, topUpId);
  const status = topUp.data?.status;

  const [slow, setSlow] = useState(false);

  useEffect(() => {
    if (status === 'succeeded') void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    if (status !== 'pending') return;
    const timer = setTimeout(() => setSlow(true), 20_000);
    return () => clearTimeout(timer);
  }, [status, queryClient]);

  const back = (
    <div className="flex flex-wrap gap-3">
      {next === paths.checkout && status === 'succeeded' ? (
        <Link to={paths.checkout} className={buttonClasses()}>
          {t('account.backToCheckout')}
        </Link>
      ) : null}
      {status === 'declined' || status === 'expired' ? (
        <Link to={`${paths.account}${next ? `?${new URLSearchParams({ next })}` : ''}#add-funds`} className={buttonClasses()}>
          {t('account.tryAgain')}
        </Link>
      ) : null}
      <Link to={paths.account} className={buttonClasses(status === 'succeeded' && next !== paths.checkout ? 'primary' : 'secondary')}>
        {t('account.backToAccount')}
      </Link>
    </div>
  );

  let body;
  if (accounts.isPending || (account && topUp.isPending)) {
    body = (
      <>
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-24" />
      </>
    );
  } else if (accounts.isError || topUp.isError || !account) {
    body = <ErrorState error={accounts.error ?? topUp.error} onRetry={() => void (accounts.isError ? accounts.refetch() : topUp.refetch())} />;
  } else if (topUp.data) {
    const amount = formatPrice(topUp.data.amount, topUp.data.currency, i18n.language);
    body =
      status === 'pending' ? (
        <div role="status" className="flex flex-col gap-3 rounded-2xl border border-line bg-surface p-5">
          <p className="flex items-center gap-3 font-semibold text-ink">
            <span aria-hidden="true" className="size-5 animate-spin rounded-full border-2 border-brand border-t-transparent" />
            {t('account.topUpPending')}
          </p>
          {slow ? <p className="text-sm text-ink-muted">{t('account.topUpSlow')}</p> : null}
        </div>
      ) : status === 'succeeded' ? (
        <Alert tone="success" title={t('account.topUpSucceeded', { amount })}>
          {accounts.data?.[0] ? t('account.topUpNewBalance', { balance: formatPrice(accounts.data[0].balance, accounts.data[0].currency, i18n.language) }) : null}
        </Alert>
      ) : status === 'declined' ? (
        <Alert tone="error" title={t('account.topUpDeclined')}>
          {t('account.topUpDeclinedBody')}
        </Alert>
      ) : (
        <Alert tone="error" title={t('account.topUpExpired')}>
          {t('account.topUpExpiredBody')}
        </Alert>
      );
  }
  return (
    <div className="mx-auto flex max-w-xl flex-col gap-6">
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('account.topUpTitle')}</h1>
      {body}
      {back}
    </div>
  );
}
