import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { applyApiErrors } from '@/lib/form-errors';
import { useRegister } from '../api/register';
import { registerSchema, type RegisterValues } from '../schemas';
import { PasswordRules } from './password-rules';
import { useFieldMessage } from './use-field-message';

/** `defaultEmail`: a guest's e-mail from their order (its orders join the account once it is verified). */
export function RegisterForm({ onSuccess, defaultEmail = '' }: { onSuccess: (email: string) => void; defaultEmail?: string }) {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const register = useRegister();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<RegisterValues>({
    resolver: zodResolver(registerSchema),
    defaultValues: { full_name: '', username: '', email: defaultEmail, password: '' },
  });
  const { errors } = form.formState;
  const password = useWatch({ control: form.control, name: 'password' });

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await register.mutateAsync(values);
      onSuccess(values.email);
    } catch (error) {
      setFormError(
        applyApiErrors(error, form.setError, t, {
          fields: ['full_name', 'username', 'email', 'password'],
          codeToField: { email_taken: 'email', username_taken: 'username' },
        }),
      );
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <Field label={t('auth.fullName')} autoComplete="name" error={fieldMessage(errors.full_name?.message)} {...form.register('full_name')} />
      <Field
        label={t('auth.username')}
        autoComplete="username"
        hint={t('auth.usernameHint')}
        error={fieldMessage(errors.username?.message)}
        {...form.register('username')}
      />
      <Field label={t('auth.email')} type="email" autoComplete="email" error={fieldMessage(errors.email?.message)} {...form.register('email')} />
      <Field
        label={t('auth.password')}
        type="password"
        autoComplete="new-password"
        hint={<PasswordRules password={password} id="password-rules" />}
        error={fieldMessage(errors.password?.message)}
        {...form.register('password')}
      />
      <div>
        <Button type="submit" pending={register.isPending}>
          {t('auth.createAccount')}
        </Button>
      </div>
    </form>
  );
}
