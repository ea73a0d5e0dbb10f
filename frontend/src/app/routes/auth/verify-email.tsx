import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { VerifyEmail } from '@/features/auth/components/verify-email';
import { AuthCard } from './auth-card';

export function Component() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  return (
    <>
      <Seo title={t('auth.verifyTitle')} />
      <AuthCard title={t('auth.verifyTitle')}>
        <VerifyEmail token={params.get('token') ?? ''} />
      </AuthCard>
    </>
  );
}
