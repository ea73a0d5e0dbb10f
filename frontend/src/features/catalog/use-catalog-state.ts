import { useCallback, useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { parseCatalogParams, serializeCatalogParams, updateCatalogState, type CatalogState } from './catalog-params';

/** The catalog state from the URL, and a setter that pushes a history entry (so Back undoes it). */
export function useCatalogState(): [CatalogState, (change: Partial<CatalogState>) => void, (state: CatalogState) => string] {
  const [searchParams, setSearchParams] = useSearchParams();
  const { pathname } = useLocation();
  const state = useMemo(() => parseCatalogParams(searchParams), [searchParams]);
  const update = useCallback(
    (change: Partial<CatalogState>) => setSearchParams(serializeCatalogParams(updateCatalogState(state, change))),
    [setSearchParams, state],
  );
  const hrefFor = useCallback(
    (next: CatalogState) => {
      const query = serializeCatalogParams(next).toString();
      return query ? `${pathname}?${query}` : pathname;
    },
    [pathname],
  );
  return [state, update, hrefFor];
}
