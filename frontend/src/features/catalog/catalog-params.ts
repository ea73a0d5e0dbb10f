/**
 * The catalog's state lives in the URL (shareable, back/forward, reload): this module is the
 * one place that reads it, writes it and turns it into the API's list query.
 */
import type { ProductQuery } from './api/get-products';

export const PAGE_SIZE = 12;
export const SORTS = ['relevance', 'name', 'price', '-price', 'newest'] as const;
export type SortKey = (typeof SORTS)[number];

export type CatalogState = {
  q: string;
  minPrice: string;
  maxPrice: string;
  /** A store id: only products in stock there. */
  store: string;
  /** Subcategory slugs of the current category. */
  sub: string[];
  sort: SortKey;
  page: number;
};

const PRICE = /^\d{1,8}(\.\d{1,2})?$/;
const ID = /^[1-9]\d{0,17}$/;

export function defaultSort(q: string): SortKey {
  return q ? 'relevance' : 'name';
}

export function parseCatalogParams(search: URLSearchParams): CatalogState {
  const q = (search.get('q') ?? '').trim().slice(0, 200);
  const price = (name: string) => {
    const value = (search.get(name) ?? '').trim();
    return PRICE.test(value) ? value : '';
  };
  const sortParam = search.get('sort') as SortKey | null;
  const sort = sortParam && SORTS.includes(sortParam) && !(sortParam === 'relevance' && !q) ? sortParam : defaultSort(q);
  const page = Number(search.get('page'));
  const store = search.get('store') ?? '';
  return {
    q,
    minPrice: price('min'),
    maxPrice: price('max'),
    store: ID.test(store) ? store : '',
    sub: (search.get('sub') ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 20),
    sort,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/** Only what differs from the defaults, in a fixed order, so equal states give equal URLs. */
export function serializeCatalogParams(state: CatalogState): URLSearchParams {
  const out = new URLSearchParams();
  if (state.q) out.set('q', state.q);
  if (state.sub.length) out.set('sub', [...state.sub].sort().join(','));
  if (state.minPrice) out.set('min', state.minPrice);
  if (state.maxPrice) out.set('max', state.maxPrice);
  if (state.store) out.set('store', state.store);
  if (state.sort !== defaultSort(state.q)) out.set('sort', state.sort);
  if (state.page > 1) out.set('page', String(state.page));
  return out;
}

/** A change to anything but the page starts again at page 1. */
export function updateCatalogState(state: CatalogState, change: Partial<CatalogState>): CatalogState {
  const next = { ...state, ...change };
  if (!('page' in change)) next.page = 1;
  if ('q' in change && !('sort' in change)) {
    // A new search is ranked by relevance; clearing it falls back to the default order.
    if (next.q && state.sort === defaultSort(state.q)) next.sort = 'relevance';
    if (!next.q && next.sort === 'relevance') next.sort = 'name';
  }
  return next;
}

const API_SORT: Record<SortKey, string | undefined> = {
  relevance: undefined, // the API ranks by relevance when `q` is given and no sort is asked for
  name: 'name',
  price: 'price',
  '-price': '-price',
  newest: '-created_at',
};

/** The API's list query for this state; `categoryIds` are the current category or its chosen subcategories. */
export function toProductQuery(
  state: CatalogState,
  { categoryIds = [], withStore = true }: { categoryIds?: number[]; withStore?: boolean } = {},
): ProductQuery {
  const query: ProductQuery = { page: state.page, page_size: PAGE_SIZE };
  if (state.q) query.q = state.q;
  const sort = API_SORT[state.sort];
  if (sort) query.sort = sort;
  if (state.minPrice) query.price__gte = state.minPrice;
  if (state.maxPrice) query.price__lte = state.maxPrice;
  if (withStore && state.store) query.store_id = state.store;
  if (categoryIds.length === 1) query.category_id = categoryIds[0];
  else if (categoryIds.length > 1) query.category_id__in = categoryIds.join(',');
  return query;
}
