import { useTranslation } from 'react-i18next';
import { Seo } from '@/components/seo';
import { useUser } from '@/features/auth/api/get-user';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { formatDate } from '@/lib/format';

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('account.title')} />
      <RequireAuth>
        <Profile />
      </RequireAuth>
    </>
  );
}

function Profile() {
  const { t, i18n } = useTranslation();
  const { data: user } = useUser();
  if (!user) return null;
  return (
    <div className="mx-auto max-w-2xl">
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('account.greeting', { name: user.full_name || user.username })}</h1>
      <section aria-labelledby="account-profile" className="mt-8 rounded-2xl border border-line bg-surface p-6">
        <h2 id="account-profile" className="mb-4 font-display text-xl text-ink">
          {t('account.profile')}
        </h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-[10rem_1fr]">
          <dt className="text-ink-muted">{t('auth.fullName')}</dt>
          <dd className="text-ink">{user.full_name}</dd>
          <dt className="text-ink-muted">{t('auth.username')}</dt>
          <dd className="text-ink">{user.username}</dd>
          <dt className="text-ink-muted">{t('auth.email')}</dt>
          <dd className="text-ink">{user.email}</dd>
          <dt className="text-ink-muted">{t('account.memberSince')}</dt>
          <dd className="text-ink">{formatDate(user.created_at, i18n.language)}</dd>
        </dl>
      </section>
    </div>
  );
}
