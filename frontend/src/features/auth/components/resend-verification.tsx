import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { problemMessage } from '@/lib/problem-message';
import { useResendVerification } from '../api/resend-verification';
import { emailSchema, type EmailValues } from '../schemas';
import { useFieldMessage } from './use-field-message';

/** "Send the link again": with a known address just a button, otherwise an e-mail field too. */
export function ResendVerification({ email }: { email?: string | undefined }) {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const resend = useResendVerification();
  const form = useForm<EmailValues>({ resolver: zodResolver(emailSchema), defaultValues: { email: email ?? '' } });
  const onSubmit = form.handleSubmit((values) => resend.mutate(values));
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
      {email ? null : (
        <Field label={t('auth.email')} type="email" autoComplete="email" error={fieldMessage(form.formState.errors.email?.message)} {...form.register('email')} />
      )}
      <div>
        <Button type="submit" variant="secondary" pending={resend.isPending}>
          {t('auth.resendLink')}
        </Button>
      </div>
      {resend.isSuccess ? <Alert tone="success">{t('auth.resendSent')}</Alert> : null}
      {resend.isError ? <Alert tone="error">{problemMessage(t, resend.error)}</Alert> : null}
    </form>
  );
}
