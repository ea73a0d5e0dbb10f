import { useTranslation } from 'react-i18next';
import { PASSWORD_MAX, PASSWORD_MIN } from '../schemas';

/** The password rules, shown before submit and ticked off while typing. */
export function PasswordRules({ password, id }: { password: string; id: string }) {
  const { t } = useTranslation();
  const rules = [
    { ok: password.length >= PASSWORD_MIN, label: t('auth.rules.min', { count: PASSWORD_MIN }) },
    { ok: password.length > 0 && password.length <= PASSWORD_MAX, label: t('auth.rules.max', { count: PASSWORD_MAX }) },
    { ok: null, label: t('auth.rules.common') },
  ];
  return (
    <ul id={id} className="flex flex-col gap-1 text-sm">
      {rules.map((rule) => (
        <li key={rule.label} className={`flex items-center gap-2 ${rule.ok ? 'text-success' : 'text-ink-muted'}`}>
          <span aria-hidden="true" className="inline-flex size-4 items-center justify-center">
            {rule.ok ? '✓' : '•'}
          </span>
          {rule.label}
          {rule.ok ? <span className="sr-only"> ({t('auth.rules.met')})</span> : null}
        </li>
      ))}
    </ul>
  );
}
