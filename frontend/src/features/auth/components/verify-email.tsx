import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { Skeleton, LoadingStatus } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useVerifyEmail } from '../api/verify-email';
import { ResendVerification } from './resend-verification';

export function VerifyEmail({ token }: { token: string }) {
  const { t } = useTranslation();
  const verify = useVerifyEmail(token);
  const expired = !token || (verify.isError && verify.error.code === 'invalid_token');
  if (expired) {
    return (
      <div className="flex flex-col gap-4">
        <Alert tone="error" title={t('auth.verifyBadTitle')}>
          {t('auth.verifyBad')}
        </Alert>
        <ResendVerification />
      </div>
    );
  }
  if (verify.isError) return <ErrorState error={verify.error} onRetry={() => void verify.refetch()} />;
  if (verify.isPending) {
    return (
      <div className="flex flex-col gap-3">
        <LoadingStatus label={t('auth.verifying')} />
        <Skeleton className="h-16" />
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      <Alert tone="success" title={t('auth.verifiedTitle')}>
        {t('auth.verified', { name: verify.data.full_name })}
      </Alert>
      <div>
        <Link to={paths.login} className={buttonClasses()}>
          {t('auth.signIn')}
        </Link>
      </div>
    </div>
  );
}
