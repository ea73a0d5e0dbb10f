import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Seo } from '@/components/seo';
import { paths } from '@/config/paths';
import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('auth.forgotTitle')} description={t('auth.forgotLead')} />
      <AuthCard
        title={t('auth.forgotTitle')}
        lead={t('auth.forgotLead')}
        footer={
          <Link to={paths.login} className="font-semibold text-brand hover:underline">
            {t('auth.backToSignIn')}
          </Link>
        }
      >
        <ForgotPasswordForm />
      </AuthCard>
    </>
  );
}
