import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from '@/lib/zod';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useUser } from '@/features/auth/api/get-user';
import { useUpdateProfile } from '@/features/auth/api/update-profile';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { useFieldMessage } from '@/features/auth/components/use-field-message';
import type { User } from '@/lib/api-types';
import { formatDate } from '@/lib/format';
import { applyApiErrors } from '@/lib/form-errors';
import { AccountNav } from './account-nav';

// The API's own rules (UserUpdateMe); messages are i18n keys.
const profileSchema = z.object({
  full_name: z.string().trim().min(1, 'validation.required').max(120, 'validation.tooLong'),
  phone: z
    .string()
    .trim()
    .max(32, 'validation.tooLong')
    .regex(/^[0-9+()\- .]*$/, 'validation.phone'),
  address: z.string().trim().max(300, 'validation.tooLong'),
});
type ProfileValues = z.infer<typeof profileSchema>;

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('account.details')} />
      <RequireAuth>
        <Profile />
      </RequireAuth>
    </>
  );
}

function Profile() {
  const { t, i18n } = useTranslation();
  const { data: user } = useUser();
  if (!user) return null;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('account.details')}</h1>
      <AccountNav />
      <div className="grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <ProfileForm user={user} />
        <section aria-labelledby="account-profile" className="rounded-2xl border border-line bg-surface p-5">
          <h2 id="account-profile" className="mb-4 font-display text-xl text-ink">
            {t('account.profile')}
          </h2>
          <dl className="grid grid-cols-1 gap-y-1">
            <dt className="text-sm text-ink-muted">{t('account.username')}</dt>
            <dd className="mb-2 text-ink">{user.username}</dd>
            <dt className="text-sm text-ink-muted">{t('account.emailFixed')}</dt>
            <dd className="mb-2 text-ink">{user.email}</dd>
            <dt className="text-sm text-ink-muted">{t('account.memberSince')}</dt>
            <dd className="text-ink">{formatDate(user.created_at, i18n.language)}</dd>
          </dl>
        </section>
      </div>
    </div>
  );
}

function ProfileForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const fieldMessage = useFieldMessage();
  const update = useUpdateProfile();
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<ProfileValues>({
    resolver: zodResolver(profileSchema),
    defaultValues: { full_name: user.full_name, phone: user.phone, address: user.address },
  });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    setSaved(false);
    try {
      const updated = await update.mutateAsync(values);
      form.reset({ full_name: updated.full_name, phone: updated.phone, address: updated.address });
      setSaved(true);
    } catch (error) {
      setFormError(applyApiErrors(error, form.setError, t, { fields: ['full_name', 'phone', 'address'] }));
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4 rounded-2xl border border-line bg-surface p-5">
      <p className="text-ink-muted">{t('account.profileLead')}</p>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {saved ? <Alert tone="success">{t('account.saved')}</Alert> : null}
      <Field label={t('account.fullName')} autoComplete="name" error={fieldMessage(errors.full_name?.message)} {...form.register('full_name')} />
      <Field label={t('account.phone')} type="tel" autoComplete="tel" hint={t('account.phoneHint')} error={fieldMessage(errors.phone?.message)} {...form.register('phone')} />
      <Field label={t('account.address')} autoComplete="street-address" error={fieldMessage(errors.address?.message)} {...form.register('address')} />
      <Button type="submit" pending={update.isPending} className="w-fit">
        {t('account.save')}
      </Button>
    </form>
  );
}
