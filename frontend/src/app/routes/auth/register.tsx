import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Seo } from '@/components/seo';
import { paths } from '@/config/paths';
import { RegisterForm } from '@/features/auth/components/register-form';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
      <Seo title={t('auth.registerTitle')} description={t('auth.registerLead')} />
      <AuthCard
        title={t('auth.registerTitle')}
        lead={t('auth.registerLead')}
        footer={
          <>
            {t('auth.haveAccount')}{' '}
            <Link to={paths.login} className="font-semibold text-brand hover:underline">
              {t('auth.signIn')}
            </Link>
          </>
        }
      >
        <RegisterForm onSuccess={(email) => navigate(`${paths.checkEmail}?${new URLSearchParams({ email })}`)} />
      </AuthCard>
    </>
  );
}
