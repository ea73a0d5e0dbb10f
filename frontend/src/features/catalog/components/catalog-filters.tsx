import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { SORTS, type CatalogState, type SortKey } from '../catalog-params';

type Option = { value: string; label: string };

type FiltersProps = {
  state: CatalogState;
  update: (change: Partial<CatalogState>) => void;
  /** Stores for "in stock at"; leave out where the list is one store's already. */
  storeOptions?: Option[] | undefined;
  /** The current category's subcategories (by slug). */
  subcategoryOptions?: Option[] | undefined;
  /** Show a search field (the store page's assortment has its own). */
  withSearch?: boolean;
};

export function CatalogFilters({ state, update, storeOptions, subcategoryOptions, withSearch = false }: FiltersProps) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-col gap-6">
      {withSearch ? <SearchWithin state={state} update={update} /> : null}
      {/* Re-mounted when the URL changes, so Back shows the prices of that list. */}
      <PriceRange key={`${state.minPrice}-${state.maxPrice}`} state={state} update={update} />
      {storeOptions && storeOptions.length ? (
        <div className="flex flex-col gap-1.5">
          <label htmlFor="filter-store" className="text-sm font-semibold text-ink">
            {t('catalog.inStockAt')}
          </label>
          <select
            id="filter-store"
            value={state.store}
            onChange={(event) => update({ store: event.target.value })}
            className="min-h-11 rounded-lg border border-line-strong bg-surface px-3 text-ink"
          >
            <option value="">{t('catalog.anyStore')}</option>
            {storeOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {subcategoryOptions && subcategoryOptions.length ? (
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-semibold text-ink">{t('catalog.subcategories')}</legend>
          {subcategoryOptions.map((option) => {
            const checked = state.sub.includes(option.value);
            return (
              <label key={option.value} className="flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-1 text-sm text-ink">
                <input
                  type="checkbox"
                  className="size-5 accent-[var(--color-brand)]"
                  checked={checked}
                  onChange={() =>
                    update({ sub: checked ? state.sub.filter((s) => s !== option.value) : [...state.sub, option.value] })
                  }
                />
                {option.label}
              </label>
            );
          })}
        </fieldset>
      ) : null}
    </div>
  );
}

function SearchWithin({ state, update }: Pick<FiltersProps, 'state' | 'update'>) {
  const { t } = useTranslation();
  const [q, setQ] = useState(state.q);
  const id = useId();
  return (
    <form
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        update({ q: q.trim() });
      }}
      className="flex flex-col gap-1.5"
    >
      <label htmlFor={id} className="text-sm font-semibold text-ink">
        {t('catalog.searchHere')}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          type="search"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          className="min-h-11 min-w-0 flex-1 rounded-lg border border-line-strong bg-surface px-3 text-ink"
        />
        <Button type="submit" variant="secondary">
          {t('actions.search')}
        </Button>
      </div>
    </form>
  );
}

function PriceRange({ state, update }: Pick<FiltersProps, 'state' | 'update'>) {
  const { t } = useTranslation();
  const [min, setMin] = useState(state.minPrice);
  const [max, setMax] = useState(state.maxPrice);
  const [error, setError] = useState('');
  const valid = (value: string) => value === '' || /^\d{1,8}([.,]\d{1,2})?$/.test(value);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const minPrice = min.trim().replace(',', '.');
    const maxPrice = max.trim().replace(',', '.');
    if (!valid(minPrice) || !valid(maxPrice)) return setError(t('catalog.priceInvalid'));
    if (minPrice && maxPrice && Number(minPrice) > Number(maxPrice)) return setError(t('catalog.priceOrder'));
    setError('');
    update({ minPrice, maxPrice });
  };
  return (
    <form onSubmit={onSubmit} aria-labelledby="price-legend" noValidate>
      <p id="price-legend" className="mb-1.5 text-sm font-semibold text-ink">
        {t('catalog.price')}
      </p>
      <div className="flex items-end gap-2">
        <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm text-ink-muted">
          {t('catalog.priceFrom')}
          <input
            inputMode="decimal"
            value={min}
            onChange={(event) => setMin(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'price-error' : undefined}
            className="min-h-11 w-full rounded-lg border border-line-strong bg-surface px-3 text-base text-ink"
          />
        </label>
        <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm text-ink-muted">
          {t('catalog.priceTo')}
          <input
            inputMode="decimal"
            value={max}
            onChange={(event) => setMax(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'price-error' : undefined}
            className="min-h-11 w-full rounded-lg border border-line-strong bg-surface px-3 text-base text-ink"
          />
        </label>
        <Button type="submit" variant="secondary" className="px-4">
          {t('actions.apply')}
        </Button>
      </div>
      {error ? (
        <p id="price-error" role="alert" className="mt-1.5 text-sm font-medium text-danger">
          {error}
        </p>
      ) : null}
    </form>
  );
}

export function SortSelect({ state, update }: Pick<FiltersProps, 'state' | 'update'>) {
  const { t } = useTranslation();
  const options = SORTS.filter((sort) => sort !== 'relevance' || state.q);
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="catalog-sort" className="text-sm text-ink-muted">
        {t('catalog.sortBy')}
      </label>
      <select
        id="catalog-sort"
        value={state.sort}
        onChange={(event) => update({ sort: event.target.value as SortKey })}
        className="min-h-11 rounded-lg border border-line-strong bg-surface px-3 text-sm text-ink"
      >
        {options.map((sort) => (
          <option key={sort} value={sort}>
            {t(`catalog.sort.${sort}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
