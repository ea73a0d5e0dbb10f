import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Page links (real links, so a page can be opened in a new tab or shared). */
export function Pagination({ page, pages, hrefFor }: { page: number; pages: number; hrefFor: (page: number) => string }) {
  const { t } = useTranslation();
  if (pages <= 1) return null;
  const numbers = visiblePages(page, pages);
  const item = 'inline-flex min-h-11 min-w-11 items-center justify-center rounded-full px-3 text-sm font-semibold';
  return (
    <nav aria-label={t('pagination.label')} className="mt-8 flex flex-wrap items-center justify-center gap-1">
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev" className={`${item} text-ink hover:bg-surface-muted`}>
          {t('pagination.previous')}
        </Link>
      ) : null}
      {numbers.map((number, index) =>
        number === null ? (
          <span key={`gap-${index}`} className="px-2 text-ink-muted" aria-hidden="true">
            …
          </span>
        ) : number === page ? (
          <span key={number} aria-current="page" className={`${item} bg-brand text-brand-contrast`}>
            <span className="sr-only">{t('pagination.page')} </span>
            {number}
          </span>
        ) : (
          <Link key={number} to={hrefFor(number)} className={`${item} text-ink hover:bg-surface-muted`}>
            <span className="sr-only">{t('pagination.page')} </span>
            {number}
          </Link>
        ),
      )}
      {page < pages ? (
        <Link to={hrefFor(page + 1)} rel="next" className={`${item} text-ink hover:bg-surface-muted`}>
          {t('pagination.next')}
        </Link>
      ) : null}
    </nav>
  );
}

/** 1 … 4 5 6 … 12: the first, the last and the current page's neighbours. */
export function visiblePages(page: number, pages: number): (number | null)[] {
  const wanted = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((n, i) => {
    const previous = sorted[i - 1];
    if (previous !== undefined && n - previous > 1) out.push(null);
    out.push(n);
  });
  return out;
}
