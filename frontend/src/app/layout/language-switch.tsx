import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type LanguageCode } from '@/lib/i18n';

/** The interface language; the choice is kept (localStorage) over the browser's default. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <select
      aria-label={t('layout.language')}
      value={i18n.resolvedLanguage}
      onChange={(event) => void setLanguage(event.target.value as LanguageCode)}
      className="min-h-11 rounded-full border border-transparent bg-transparent px-2 text-sm font-semibold text-ink hover:border-line-strong"
    >
      {LANGUAGES.map((language) => (
        <option key={language.code} value={language.code} lang={language.code}>
          {language.label}
        </option>
      ))}
    </select>
  );
}
