import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { paths } from '@/config/paths';
import { RegisterForm } from '@/features/auth/components/register-form';
import { rememberReturnTo, withNext } from '@/features/auth/return-to';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  return (
    <>
      <Seo title={t('auth.registerTitle')} description={t('auth.registerLead')} />
      <AuthCard
        title={t('auth.registerTitle')}
        lead={t('auth.registerLead')}
        footer={
          <>
            {t('auth.haveAccount')}{' '}
            <Link to={withNext(paths.login, next)} className="font-semibold text-brand hover:underline">
              {t('auth.signIn')}
            </Link>
          </>
        }
      >
        <RegisterForm
          defaultEmail={params.get('email')?.slice(0, 254) ?? ''}
          onSuccess={(email) => {
            // The link in the mail opens a new tab: it finds the way back here.
            rememberReturnTo(next);
            navigate(`${paths.checkEmail}?${new URLSearchParams({ email, ...(next ? { next } : {}) })}`);
          }}
        />
      </AuthCard>
    </>
  );
}
