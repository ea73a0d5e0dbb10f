import { useTranslation } from 'react-i18next';
import { numberFormat } from '@/lib/format';

function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The product's attributes as a definition list; known keys get the interface language's label. */
export function ProductAttributes({ attributes }: { attributes: Record<string, unknown> }) {
  const { t, i18n } = useTranslation();
  const entries = Object.entries(attributes).filter(([, value]) => value !== null && value !== '' && typeof value !== 'object' || Array.isArray(value));
  if (!entries.length) return null;
  const show = (value: unknown): string => {
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    if (typeof value === 'number') return numberFormat(i18n.language, { useGrouping: false }).format(value);
    if (Array.isArray(value)) return value.map(show).join(', ');
    return String(value);
  };
  return (
    <dl className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-x-4 gap-y-2 text-sm">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-ink-muted">{t(`attributes.${key}`, { defaultValue: humanize(key) })}</dt>
          <dd className="text-ink">{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
