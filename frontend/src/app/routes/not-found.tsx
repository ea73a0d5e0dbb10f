import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';

export function Component() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex max-w-xl flex-col items-center gap-4 py-16 text-center">
      <Seo title={t('notFound.title')} />
      <h1 className="font-display text-4xl text-ink">{t('notFound.title')}</h1>
      <p className="text-ink-muted">{t('notFound.body')}</p>
      <Link to={paths.catalog()} className={buttonClasses()}>
        {t('home.browse')}
      </Link>
    </div>
  );
}
