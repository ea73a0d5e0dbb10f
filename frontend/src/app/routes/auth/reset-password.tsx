import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  return (
    <>
      <Seo title={t('auth.resetTitle')} />
      <AuthCard title={t('auth.resetTitle')} lead={t('auth.resetLead')}>
        <ResetPasswordForm token={params.get('token') ?? ''} />
      </AuthCard>
    </>
  );
}
