import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { z } from '@/lib/zod';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useChangePassword } from '@/features/auth/api/change-password';
import { useDeleteAccount } from '@/features/auth/api/delete-account';
import { useEndOtherSessions } from '@/features/auth/api/end-other-sessions';
import { useEndSession } from '@/features/auth/api/end-session';
import { useSessions } from '@/features/auth/api/get-sessions';
import { useLogout } from '@/features/auth/api/logout';
import { PasswordRules } from '@/features/auth/components/password-rules';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { useFieldMessage } from '@/features/auth/components/use-field-message';
import { deviceName } from '@/features/auth/device-name';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/features/auth/schemas';
import { useAccounts } from '@/features/money/api/get-accounts';
import { useOrders } from '@/features/orders/api/get-orders';
import { toApiError } from '@/lib/api-error';
import type { Session } from '@/lib/api-types';
import { formatDateTime, formatPrice } from '@/lib/format';
import { applyApiErrors } from '@/lib/form-errors';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';
import { AccountNav } from './account-nav';

const OPEN_STATUSES = 'pending,paid,preparing,ready';

const passwordSchema = z
  .object({
    current_password: z.string().min(1, 'validation.required').max(PASSWORD_MAX, 'validation.passwordTooLong'),
    new_password: z.string().min(PASSWORD_MIN, 'validation.passwordTooShort').max(PASSWORD_MAX, 'validation.passwordTooLong'),
    confirm: z.string(),
  })
  .refine((values) => values.new_password === values.confirm, { path: ['confirm'], message: 'validation.passwordsDiffer' });
type PasswordValues = z.infer<typeof passwordSchema>;

const deleteSchema = z.object({ password: z.string().min(1, 'validation.required').max(PASSWORD_MAX, 'validation.passwordTooLong') });
type DeleteValues = z.infer<typeof deleteSchema>;

export function Component() {
  const { t } = useTranslation();
  // Once deleted, the page says goodbye instead of sending the (now signed-out) visitor to sign in.
  const [deleted, setDeleted] = useState(false);
  if (deleted) {
    return (
      <>
        <Seo title={t('account.deleteHeading')} />
        <div className="mx-auto flex max-w-xl flex-col gap-4 py-8 text-center">
          <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('account.deleted')}</h1>
          <Link to={paths.home} className="font-semibold text-brand underline underline-offset-4">
            {t('orders.keepShopping')}
          </Link>
        </div>
      </>
    );
  }
  return (
    <>
      <Seo title={t('account.security')} />
      <RequireAuth>
        <div className="flex flex-col gap-6">
          <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('account.security')}</h1>
          <AccountNav />
          <div className="grid items-start gap-8 lg:grid-cols-2">
            <ChangePassword />
            <Sessions />
          </div>
          <DeleteAccount onDeleted={() => setDeleted(true)} />
        </div>
      </RequireAuth>
    </>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const change = useChangePassword();
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const form = useForm<PasswordValues>({ resolver: zodResolver(passwordSchema), defaultValues: { current_password: '', new_password: '', confirm: '' } });
  const { errors } = form.formState;
  const newPassword = useWatch({ control: form.control, name: 'new_password' });
  const onSubmit = form.handleSubmit(async ({ current_password, new_password }) => {
    setFormError(null);
    setDone(false);
    try {
      await change.mutateAsync({ current_password, new_password });
      form.reset();
      setDone(true);
    } catch (error) {
      // A wrong current password is an answer (401 invalid_credentials): this session stays.
      if (toApiError(error).code === 'invalid_credentials') {
        form.setError('current_password', { type: 'server', message: t('account.wrongPassword') }, { shouldFocus: true });
        return;
      }
      setFormError(applyApiErrors(error, form.setError, t, { fields: ['current_password', 'new_password'] }));
    }
  });
  return (
    <section aria-labelledby="password-heading" className="flex flex-col gap-4 rounded-2xl border border-line bg-surface p-5">
      <h2 id="password-heading" className="font-display text-xl text-ink">
        {t('account.passwordHeading')}
      </h2>
      <p className="text-sm text-ink-muted">{t('account.passwordLead')}</p>
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        {done ? <Alert tone="success">{t('account.passwordChanged')}</Alert> : null}
        <Field
          label={t('account.currentPassword')}
          type="password"
          autoComplete="current-password"
          error={fieldMessage(errors.current_password?.message)}
          {...form.register('current_password')}
        />
        <Field
          label={t('account.newPassword')}
          type="password"
          autoComplete="new-password"
          hint={<PasswordRules password={newPassword} id="new-password-rules" />}
          error={fieldMessage(errors.new_password?.message)}
          {...form.register('new_password')}
        />
        <Field label={t('account.repeatPassword')} type="password" autoComplete="new-password" error={fieldMessage(errors.confirm?.message)} {...form.register('confirm')} />
        <Button type="submit" pending={change.isPending} className="w-fit">
          {t('account.changePassword')}
        </Button>
      </form>
    </section>
  );
}

function Sessions() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const sessions = useSessions();
  const endOne = useEndSession();
  const endOthers = useEndOtherSessions();
  const logout = useLogout();
  const label = (session: Session) => deviceName(session.device) ?? t('account.unknownDevice');
  const others = (sessions.data ?? []).filter((session) => !session.current);
  const failed = (error: unknown) => notify({ tone: 'error', text: problemMessage(t, error) });
  return (
    <section aria-labelledby="sessions-heading" className="flex flex-col gap-4 rounded-2xl border border-line bg-surface p-5">
      <h2 id="sessions-heading" className="font-display text-xl text-ink">
        {t('account.sessionsHeading')}
      </h2>
      {sessions.isPending ? (
        <Skeleton className="h-32" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <>
          <ul aria-label={t('account.sessionsHeading')} className="flex flex-col divide-y divide-line">
            {sessions.data.map((session) => (
              <li key={session.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="flex min-w-0 flex-col">
                  <span className="font-semibold text-ink">
                    {label(session)}
                    {session.current ? <span className="ml-2 rounded-full bg-success-soft px-2 py-0.5 text-xs font-semibold text-success">{t('account.thisDevice')}</span> : null}
                  </span>
                  <span className="text-sm text-ink-muted">
                    {t('account.signedInAt', { time: formatDateTime(session.created_at, i18n.language) })}, {t('account.lastSeen', { time: formatDateTime(session.last_seen_at, i18n.language) })}
                    {session.ip ? `, ${t('account.fromIp', { ip: session.ip })}` : ''}
                  </span>
                </div>
                {session.current ? (
                  <Button variant="secondary" className="shrink-0" pending={logout.isPending} onClick={() => logout.mutate(undefined, { onSettled: () => navigate(paths.home) })}>
                    {t('account.signOutThis')}
                  </Button>
                ) : (
                  <Button
                    variant="secondary"
                    className="shrink-0"
                    aria-label={t('account.signOutNamed', { device: label(session) })}
                    disabled={endOne.isPending}
                    onClick={() => endOne.mutate(session.id, { onSuccess: () => notify({ tone: 'success', text: t('account.endedOne') }), onError: failed })}
                  >
                    {t('account.signOutDevice')}
                  </Button>
                )}
              </li>
            ))}
          </ul>
          {others.length ? (
            <Button
              variant="secondary"
              className="w-fit"
              pending={endOthers.isPending}
              onClick={() => endOthers.mutate(undefined, { onSuccess: ({ ended }) => notify({ tone: 'success', text: t('account.endedOthers', { count: ended }) }), onError: failed })}
            >
              {t('account.signOutOthers')}
            </Button>
          ) : (
            <p className="text-sm text-ink-muted">{t('account.noOthers')}</p>
          )}
        </>
      )}
    </section>
  );
}

function DeleteAccount({ onDeleted }: { onDeleted: () => void }) {
  const { t, i18n } = useTranslation();
  const fieldMessage = useFieldMessage();
  const accounts = useAccounts();
  const open = useOrders({ page: 1, page_size: 100, status__in: OPEN_STATUSES });
  const remove = useDeleteAccount({ onDeleted });
  const [refusal, setRefusal] = useState<string | null>(null);
  const form = useForm<DeleteValues>({ resolver: zodResolver(deleteSchema), defaultValues: { password: '' } });
  const { errors } = form.formState;
  const account = accounts.data?.[0];
  const onSubmit = form.handleSubmit(async (values) => {
    setRefusal(null);
    try {
      await remove.mutateAsync(values);
    } catch (error) {
      const problem = toApiError(error);
      if (problem.code === 'invalid_credentials') {
        form.setError('password', { type: 'server', message: t('account.wrongPassword') }, { shouldFocus: true });
      } else if (problem.code === 'open_orders') {
        const numbers = Array.isArray(problem.data.orders) ? problem.data.orders.join(', ') : '';
        setRefusal(t('account.deleteOpenOrders', { numbers }));
      } else if (problem.code === 'balance_not_zero') {
        const currency = typeof problem.data.currency === 'string' ? problem.data.currency : account?.currency;
        setRefusal(t('account.deleteBalance', { balance: formatPrice(String(problem.data.balance ?? '0'), currency, i18n.language) }));
      } else {
        setRefusal(problemMessage(t, problem));
      }
      void accounts.refetch();
      void open.refetch();
    }
  });
  return (
    <section aria-labelledby="delete-heading" className="flex flex-col gap-4 rounded-2xl border border-danger/30 bg-surface p-5">
      <h2 id="delete-heading" className="font-display text-xl text-ink">
        {t('account.deleteHeading')}
      </h2>
      <p className="text-ink">{t('account.deleteLead')}</p>
      <ul className="flex list-disc flex-col gap-1 pl-5 text-ink-muted">
        <li>{t('account.deleteOrders')}</li>
        <li>{t('account.deleteOpen')}</li>
        <li>{t('account.deleteMoney')}</li>
        <li>{t('account.deleteGone')}</li>
      </ul>
      {account && open.data ? (
        <p className="text-sm font-semibold text-ink">
          {t('account.deleteNow', { balance: formatPrice(account.balance, account.currency, i18n.language), count: open.data.total })}{' '}
          {open.data.total ? (
            <Link to={paths.orders} className="text-brand underline underline-offset-4">
              {t('account.orders')}
            </Link>
          ) : null}
        </p>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4 sm:max-w-md">
        {refusal ? <Alert tone="error">{refusal}</Alert> : null}
        <Field label={t('account.deletePassword')} type="password" autoComplete="current-password" error={fieldMessage(errors.password?.message)} {...form.register('password')} />
        <Button type="submit" variant="danger" pending={remove.isPending} className="w-fit">
          {t('account.deleteConfirm')}
        </Button>
      </form>
    </section>
  );
}
