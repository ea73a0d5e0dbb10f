import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { paths } from '@/config/paths';
import { toApiError } from '@/lib/api-error';
import { applyApiErrors } from '@/lib/form-errors';
import { useLogin } from '../api/login';
import { loginSchema, type LoginValues } from '../schemas';
import { ResendVerification } from './resend-verification';
import { useFieldMessage } from './use-field-message';

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const login = useLogin();
  const [formError, setFormError] = useState<string | null>(null);
  const [unverified, setUnverified] = useState<string | null>(null);
  const form = useForm<LoginValues>({ resolver: zodResolver(loginSchema), defaultValues: { login: '', password: '' } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    setUnverified(null);
    try {
      await login.mutateAsync(values);
      onSuccess();
    } catch (error) {
      if (toApiError(error).code === 'email_not_verified') setUnverified(values.login);
      setFormError(applyApiErrors(error, form.setError, t, { fields: ['login', 'password'] }));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {unverified !== null ? (
        <div className="rounded-xl border border-line bg-surface-muted p-4">
          <p className="mb-3 text-sm text-ink">{t('auth.unverifiedHelp')}</p>
          <ResendVerification email={unverified.includes('@') ? unverified : undefined} />
        </div>
      ) : null}
      <Field label={t('auth.login')} autoComplete="username" error={fieldMessage(errors.login?.message)} {...form.register('login')} />
      <Field
        label={t('auth.password')}
        type="password"
        autoComplete="current-password"
        error={fieldMessage(errors.password?.message)}
        {...form.register('password')}
      />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Button type="submit" pending={login.isPending}>
          {t('auth.signIn')}
        </Button>
        <Link to={paths.forgotPassword} className="text-sm font-semibold text-brand underline-offset-4 hover:underline">
          {t('auth.forgotPassword')}
        </Link>
      </div>
    </form>
  );
}
