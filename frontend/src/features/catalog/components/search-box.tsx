import { useQuery } from '@tanstack/react-query';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { paths } from '@/config/paths';
import { formatPrice } from '@/lib/format';
import { useDebouncedValue } from '@/lib/use-debounced-value';
import { productsQueryOptions } from '../api/get-products';

const MIN_CHARS = 2;

/**
 * The header's search: a combobox (WAI-ARIA 1.2) that suggests products while typing. Requests
 * are debounced, and a stale one is aborted (the query's AbortSignal) when the text changes.
 */
export function SearchBox() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const id = useId();
  const listId = `${id}-list`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(() => new URLSearchParams(location.search).get('q') ?? '');
  // The list belongs to the page it was opened on: navigating (results, a product) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === location.key;
  const setOpen = (value: boolean) => setOpenOn(value ? location.key : null);
  const [active, setActive] = useState(-1);
  const term = useDebouncedValue(text.trim(), 250);
  const suggestions = useQuery({
    ...productsQueryOptions({ q: term, page_size: 6 }),
    enabled: open && term.length >= MIN_CHARS,
    staleTime: 30_000,
  });
  const items = term.length >= MIN_CHARS ? (suggestions.data?.items ?? []) : [];
  const expanded = open && items.length > 0;

  const goToResults = () => {
    const q = text.trim();
    setOpen(false);
    navigate(q ? `${paths.catalog()}?${new URLSearchParams({ q })}` : paths.catalog());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((index) => (items.length ? (index + 1) % items.length : -1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((index) => (items.length ? (index <= 0 ? items.length - 1 : index - 1) : -1));
    } else if (event.key === 'Escape') {
      if (expanded) {
        event.preventDefault();
        setOpen(false);
        setActive(-1);
      }
    } else if (event.key === 'Enter' && expanded && active >= 0 && items[active]) {
      event.preventDefault();
      setOpen(false);
      navigate(paths.product(items[active].slug));
    }
  };

  return (
    <form
      role="search"
      className="relative w-full"
      onSubmit={(event) => {
        event.preventDefault();
        goToResults();
      }}
    >
      <label htmlFor={id} className="sr-only">
        {t('search.label')}
      </label>
      <div className="flex items-center rounded-full border border-line-strong bg-surface focus-within:border-focus">
        <input
          ref={inputRef}
          id={id}
          type="search"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
          autoComplete="off"
          enterKeyHint="search"
          placeholder={t('search.placeholder')}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
          className="min-h-11 min-w-0 flex-1 rounded-full bg-transparent pl-4 text-base text-ink placeholder:text-ink-faint focus-visible:outline-none"
        />
        <button type="submit" className="mr-1 inline-flex size-9 shrink-0 items-center justify-center rounded-full text-ink hover:bg-surface-muted">
          <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2">
            <circle cx="11" cy="11" r="7" />
            <path d="m20 20-3.5-3.5" />
          </svg>
          <span className="sr-only">{t('actions.search')}</span>
        </button>
      </div>
      <div
        id={listId}
        role="listbox"
        aria-label={t('search.suggestions')}
        hidden={!expanded}
        className="absolute inset-x-0 top-full z-30 mt-2 overflow-hidden rounded-2xl border border-line bg-surface py-1 shadow-lg"
      >
        {items.map((product, index) => (
          // Focus stays in the input (aria-activedescendant); a mouse pick must not blur it first.
          // eslint-disable-next-line jsx-a11y/click-events-have-key-events
          <div
            key={product.id}
            id={`${listId}-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => {
              setOpen(false);
              navigate(paths.product(product.slug));
            }}
            className={`flex cursor-pointer items-center justify-between gap-3 px-4 py-2.5 text-sm ${index === active ? 'bg-brand-soft' : 'hover:bg-surface-muted'}`}
          >
            <span className="text-ink">{product.name}</span>
            <span className="shrink-0 text-ink-muted">{formatPrice(product.price, product.currency, i18n.language)}</span>
          </div>
        ))}
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {expanded ? t('search.count', { count: items.length }) : ''}
      </p>
    </form>
  );
}
