import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { paths } from '@/config/paths';
import { toApiError } from '@/lib/api-error';
import { applyApiErrors } from '@/lib/form-errors';
import { useResetPassword } from '../api/reset-password';
import { resetSchema, type ResetValues } from '../schemas';
import { PasswordRules } from './password-rules';
import { useFieldMessage } from './use-field-message';

export function ResetPasswordForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const reset = useResetPassword();
  const [formError, setFormError] = useState<string | null>(null);
  const [badLink, setBadLink] = useState(false);
  const form = useForm<ResetValues>({ resolver: zodResolver(resetSchema), defaultValues: { new_password: '', confirm: '' } });
  const password = useWatch({ control: form.control, name: 'new_password' });

  if (!token || badLink) {
    return (
      <div className="flex flex-col gap-4">
        <Alert tone="error" title={t('auth.resetLinkBadTitle')}>
          {t('auth.resetLinkBad')}
        </Alert>
        <div>
          <Link to={paths.forgotPassword} className={buttonClasses('secondary')}>
            {t('auth.requestNewLink')}
          </Link>
        </div>
      </div>
    );
  }
  if (reset.isSuccess) {
    return (
      <div className="flex flex-col gap-4">
        <Alert tone="success" title={t('auth.passwordChangedTitle')}>
          {t('auth.passwordChanged')}
        </Alert>
        <div>
          <Link to={paths.login} className={buttonClasses()}>
            {t('auth.signIn')}
          </Link>
        </div>
      </div>
    );
  }
  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await reset.mutateAsync({ token, new_password: values.new_password });
    } catch (error) {
      if (toApiError(error).code === 'invalid_token') return setBadLink(true);
      setFormError(applyApiErrors(error, form.setError, t, { fields: ['new_password'] }));
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <Field
        label={t('auth.newPassword')}
        type="password"
        autoComplete="new-password"
        hint={<PasswordRules password={password} id="new-password-rules" />}
        error={fieldMessage(form.formState.errors.new_password?.message)}
        {...form.register('new_password')}
      />
      <Field
        label={t('auth.confirmPassword')}
        type="password"
        autoComplete="new-password"
        error={fieldMessage(form.formState.errors.confirm?.message)}
        {...form.register('confirm')}
      />
      <div>
        <Button type="submit" pending={reset.isPending}>
          {t('auth.setPassword')}
        </Button>
      </div>
    </form>
  );
}
