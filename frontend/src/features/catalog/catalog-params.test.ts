import { describe, expect, it } from 'vitest';
import { parseCatalogParams, serializeCatalogParams, toProductQuery, updateCatalogState } from './catalog-params';

const parse = (query: string) => parseCatalogParams(new URLSearchParams(query));

describe('the catalog state in the URL', () => {
  it('round-trips every filter, the sort and the page', () => {
    const state = parse('q=sea&min=5&max=20.50&store=2&sub=fiction,science&sort=-price&page=3');
    expect(state).toEqual({ q: 'sea', minPrice: '5', maxPrice: '20.50', store: '2', sub: ['fiction', 'science'], sort: '-price', page: 3 });
    expect(parse(serializeCatalogParams(state).toString())).toEqual(state);
  });

  it('writes equal states as equal URLs, leaving defaults out', () => {
    expect(serializeCatalogParams(parse('page=1&sort=name&sub=b,a')).toString()).toBe('sub=a%2Cb');
    expect(serializeCatalogParams(parse('q=tea&sort=relevance')).toString()).toBe('q=tea');
  });

  it('ignores what a hand-edited link gets wrong instead of failing', () => {
    expect(parse('page=-4&min=abc&max=1e9&store=x&sort=random')).toMatchObject({ page: 1, minPrice: '', maxPrice: '', store: '', sort: 'name' });
    expect(parse('sort=relevance').sort).toBe('name'); // nothing to rank without a search
  });

  it('goes back to page 1 when a filter changes, and ranks a new search by relevance', () => {
    const onPage3 = parse('max=20&page=3');
    expect(updateCatalogState(onPage3, { maxPrice: '30' }).page).toBe(1);
    expect(updateCatalogState(onPage3, { page: 4 }).page).toBe(4);
    expect(updateCatalogState(onPage3, { q: 'coffee' }).sort).toBe('relevance');
    expect(updateCatalogState(parse('q=coffee'), { q: '' }).sort).toBe('name');
  });

  it("becomes the API's list query", () => {
    expect(toProductQuery(parse('q=sea&min=5&max=20&store=2&sort=newest&page=2'), { categoryIds: [4] })).toEqual({
      page: 2,
      page_size: 12,
      q: 'sea',
      sort: '-created_at',
      price__gte: '5',
      price__lte: '20',
      store_id: '2',
      category_id: 4,
    });
    expect(toProductQuery(parse('q=sea'), { categoryIds: [4, 5] })).toMatchObject({ category_id__in: '4,5' });
    expect(toProductQuery(parse('q=sea')).sort).toBeUndefined(); // the API ranks by relevance
    expect(toProductQuery(parse('store=2'), { withStore: false }).store_id).toBeUndefined();
  });
});
