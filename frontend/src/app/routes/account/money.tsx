import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Pagination } from '@/components/ui/pagination';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths, safeNext } from '@/config/paths';
import { useUser } from '@/features/auth/api/get-user';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { useInfo } from '@/features/info/api/get-info';
import { useCreateTopUp } from '@/features/money/api/create-top-up';
import { proposedTopUp } from '@/features/money/top-up-amount';
import { useAccounts } from '@/features/money/api/get-accounts';
import { useTransactions } from '@/features/money/api/get-transactions';
import { toApiError } from '@/lib/api-error';
import type { Account } from '@/lib/api-types';
import { formatDateTime, formatPrice, formatSignedPrice } from '@/lib/format';
import { fromCents, toCents } from '@/lib/money';
import { fieldIssueMessage, problemMessage } from '@/lib/problem-message';
import { AccountNav } from './account-nav';

const AMOUNT = /^\d{1,9}([.,]\d{1,2})?$/;
const SUGGESTED = ['10.00', '25.00', '50.00'];

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('account.title')} />
      <RequireAuth>
        <Money />
      </RequireAuth>
    </>
  );
}

/** The account's first page: the balance, adding funds, and the ledger. */
function Money() {
  const { t, i18n } = useTranslation();
  const { data: user } = useUser();
  const accounts = useAccounts();
  const account = accounts.data?.[0];
  return (
    <div className="flex flex-col gap-6">
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('account.greeting', { name: user?.full_name || user?.username })}</h1>
      <AccountNav />
      {accounts.isPending ? (
        <div className="flex flex-col gap-4">
          <LoadingStatus label={t('states.loading')} />
          <Skeleton className="h-36" />
          <Skeleton className="h-64" />
        </div>
      ) : accounts.isError ? (
        <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : account ? (
        <div className="grid items-start gap-8 lg:grid-cols-[22rem_minmax(0,1fr)]">
          <div className="flex flex-col gap-6">
            <section aria-labelledby="balance-heading" className="flex flex-col gap-2 rounded-2xl border border-line bg-surface p-5">
              <h2 id="balance-heading" className="font-display text-xl text-ink">
                {t('account.balance')}
              </h2>
              <p className="font-display text-4xl tabular-nums text-ink" data-testid="balance">
                {formatPrice(account.balance, account.currency, i18n.language)}
              </p>
              <p className="text-sm text-ink-muted">{t('account.balanceLead')}</p>
            </section>
            <AddFunds account={account} />
          </div>
          <Transactions account={account} />
        </div>
      ) : null}
    </div>
  );
}

function AddFunds({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const limits = useInfo().data?.top_up;
  const needed = params.get('amount') ?? '';
  const [amount, setAmount] = useState(() => proposedTopUp(needed, limits?.minimum));
  // The shop's limits arrive with /info (the layout loads it first): propose again once they do.
  const [proposedWith, setProposedWith] = useState(limits?.minimum);
  if (limits && proposedWith !== limits.minimum) {
    setProposedWith(limits.minimum);
    setAmount(proposedTopUp(needed, limits.minimum));
  }
  const raisedToMinimum = Boolean(limits && AMOUNT.test(needed) && toCents(needed.replace(',', '.')) < toCents(limits.minimum));
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const topUp = useCreateTopUp();
  const [leaving, setLeaving] = useState(false);
  const next = params.get('next');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFieldError(undefined);
    setFormError(null);
    const value = amount.trim().replace(',', '.');
    if (!AMOUNT.test(value) || Number(value) <= 0) return setFieldError(t('validation.amount'));
    const back = next ? `?${new URLSearchParams({ next: safeNext(next) })}` : '';
    try {
      const created = await topUp.mutateAsync({ accountId: account.id, amount: Number(value).toFixed(2), return_url: `/account/top-ups/{top_up_id}${back}` });
      if (!created.redirect_url) throw new Error('no payment page');
      setLeaving(true);
      // The provider's page is outside the storefront: a full navigation.
      window.location.assign(created.redirect_url);
    } catch (error) {
      const problem = toApiError(error);
      const issue = problem.fieldErrors().amount;
      if (issue) setFieldError(fieldIssueMessage(t, 'amount', issue));
      else setFormError(problemMessage(t, problem));
    }
  };
  return (
    <section id="add-funds" aria-labelledby="add-funds-heading" className="flex scroll-mt-4 flex-col gap-4 rounded-2xl border border-line bg-surface p-5">
      <h2 id="add-funds-heading" className="font-display text-xl text-ink">
        {t('account.addFundsHeading')}
      </h2>
      <form onSubmit={(event) => void submit(event)} noValidate className="flex flex-col gap-4">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <div className="flex flex-wrap gap-2" role="group" aria-label={t('account.amount')}>
          {SUGGESTED.map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={amount === value}
              onClick={() => setAmount(value)}
              className={`min-h-11 rounded-full border px-4 text-sm font-semibold ${amount === value ? 'border-brand bg-brand-soft text-brand-strong' : 'border-line-strong text-ink hover:bg-surface-muted'}`}
            >
              {formatPrice(value, account.currency, i18n.language)}
            </button>
          ))}
        </div>
        {raisedToMinimum && limits ? (
          <Alert tone="info">
            {t('account.raisedToMinimum', {
              needed: formatPrice(fromCents(toCents(needed.replace(',', '.'))), account.currency, i18n.language),
              minimum: formatPrice(limits.minimum, account.currency, i18n.language),
            })}
          </Alert>
        ) : null}
        <Field
          label={`${t('account.amount')} (${account.currency})`}
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          error={fieldError}
          hint={limits ? t('account.amountLimits', { minimum: formatPrice(limits.minimum, account.currency, i18n.language), maximum: formatPrice(limits.maximum, account.currency, i18n.language) }) + ' ' + t('account.amountHint') : t('account.amountHint')}
        />
        <Button type="submit" pending={topUp.isPending || leaving}>
          {leaving ? t('account.redirecting') : t('account.continueToPay')}
        </Button>
      </form>
    </section>
  );
}

function Transactions({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= 10_000 ? pageParam : 1;
  const transactions = useTransactions(account.id, { page });
  return (
    <section aria-labelledby="transactions-heading" className="flex min-w-0 flex-col gap-3 rounded-2xl border border-line bg-surface p-5">
      <h2 id="transactions-heading" className="font-display text-xl text-ink">
        {t('account.transactions')}
      </h2>
      {transactions.isPending ? (
        <Skeleton className="h-48" />
      ) : transactions.isError ? (
        <ErrorState error={transactions.error} onRetry={() => void transactions.refetch()} />
      ) : transactions.data.items.length === 0 ? (
        <p className="text-ink-muted">{t('account.noTransactions')}</p>
      ) : (
        <>
          <ul aria-label={t('account.transactions')} className={`flex flex-col divide-y divide-line ${transactions.isPlaceholderData ? 'opacity-60' : ''}`}>
            {transactions.data.items.map((entry) => (
              <li key={entry.id} className="flex items-start justify-between gap-3 py-3">
                <div className="flex min-w-0 flex-col">
                  <span className="font-semibold text-ink">{t(`account.kinds.${entry.kind}`)}</span>
                  <time dateTime={entry.created_at} className="text-sm text-ink-muted">
                    {formatDateTime(entry.created_at, i18n.language)}
                  </time>
                  {entry.order_id ? (
                    <Link to={paths.order(entry.order_id)} className="w-fit text-sm font-semibold text-brand underline-offset-4 hover:underline">
                      {t('account.seeOrder')}
                    </Link>
                  ) : null}
                </div>
                <span className={`shrink-0 font-semibold tabular-nums ${Number(entry.amount) < 0 ? 'text-ink' : 'text-success'}`}>
                  {formatSignedPrice(entry.amount, account.currency, i18n.language)}
                </span>
              </li>
            ))}
          </ul>
          <Pagination page={transactions.data.page} pages={transactions.data.pages} hrefFor={(next) => (next > 1 ? `${paths.account}?page=${next}` : paths.account)} />
        </>
      )}
    </section>
  );
}
