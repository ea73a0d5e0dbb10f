import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { paths, safeNext } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { withNext } from '@/features/auth/return-to';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  return (
    <>
      <Seo title={t('auth.signInTitle')} description={t('auth.signInLead')} />
      <AuthCard
        title={t('auth.signInTitle')}
        lead={params.get('next') ? t('auth.signInToContinue') : t('auth.signInLead')}
        footer={
          <>
            {t('auth.noAccount')}{' '}
            <Link to={withNext(paths.register, params.get('next'))} className="font-semibold text-brand hover:underline">
              {t('auth.createAccount')}
            </Link>
          </>
        }
      >
        <LoginForm onSuccess={() => navigate(next, { replace: true })} />
      </AuthCard>
    </>
  );
}
