import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { Skeleton, LoadingStatus } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { setAccessToken } from '@/lib/api-client';
import { notify } from '@/lib/notices';
import { USER_QUERY_KEY } from '../api/get-user';
import { useVerifyEmail } from '../api/verify-email';
import { forgetReturnTo, peekReturnTo, withNext } from '../return-to';
import { ResendVerification } from './resend-verification';

export function VerifyEmail({ token }: { token: string }) {
  const { t } = useTranslation();
  const verify = useVerifyEmail(token);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Where the customer was going before they created the account (read once per page).
  const [next] = useState(peekReturnTo);
  const session = verify.data?.session;

  // Opened in the browser that registered: signed in, and on to where they were going.
  useEffect(() => {
    if (!session) return;
    setAccessToken(session.access_token);
    void queryClient.invalidateQueries({ queryKey: USER_QUERY_KEY });
    forgetReturnTo();
    if (next) {
      notify({ tone: 'success', text: t('auth.verifiedSignedIn') });
      navigate(next, { replace: true });
    }
  }, [session, next, navigate, queryClient, t]);

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
        {session ? t('auth.verifiedSignedInAs', { name: verify.data.full_name }) : t('auth.verified', { name: verify.data.full_name })}
      </Alert>
      <div>
        {session ? (
          <Link to={next ?? paths.home} className={buttonClasses()}>
            {t('auth.continueShopping')}
          </Link>
        ) : (
          <Link to={withNext(paths.login, next)} className={buttonClasses()}>
            {t('auth.signIn')}
          </Link>
        )}
      </div>
    </div>
  );
}
