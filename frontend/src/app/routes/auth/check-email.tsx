import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { paths } from '@/config/paths';
import { ResendVerification } from '@/features/auth/components/resend-verification';
import { withNext } from '@/features/auth/return-to';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const email = params.get('email') ?? '';
  return (
    <>
      <Seo title={t('auth.checkMailTitle')} />
      <AuthCard
        title={t('auth.checkMailTitle')}
        lead={email ? t('auth.checkMailTo', { email }) : t('auth.checkMail')}
        footer={
          <Link to={withNext(paths.login, params.get('next'))} className="font-semibold text-brand hover:underline">
            {t('auth.signIn')}
          </Link>
        }
      >
        <p className="mb-4 text-sm text-ink-muted">{t('auth.noMail')}</p>
        <ResendVerification email={email || undefined} />
      </AuthCard>
    </>
  );
}
