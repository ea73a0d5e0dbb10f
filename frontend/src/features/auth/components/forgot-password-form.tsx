import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { problemMessage } from '@/lib/problem-message';
import { useRequestPasswordReset } from '../api/request-password-reset';
import { emailSchema, type EmailValues } from '../schemas';
import { useFieldMessage } from './use-field-message';

export function ForgotPasswordForm() {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const request = useRequestPasswordReset();
  const form = useForm<EmailValues>({ resolver: zodResolver(emailSchema), defaultValues: { email: '' } });
  if (request.isSuccess) {
    return (
      <Alert tone="success" title={t('auth.checkMailTitle')}>
        {t('auth.resetSent', { email: request.variables.email })}
      </Alert>
    );
  }
  return (
    <form onSubmit={form.handleSubmit((values) => request.mutate(values))} noValidate className="flex flex-col gap-4">
      {request.isError ? <Alert tone="error">{problemMessage(t, request.error)}</Alert> : null}
      <Field label={t('auth.email')} type="email" autoComplete="email" error={fieldMessage(form.formState.errors.email?.message)} {...form.register('email')} />
      <div>
        <Button type="submit" pending={request.isPending}>
          {t('auth.sendResetLink')}
        </Button>
      </div>
    </form>
  );
}
