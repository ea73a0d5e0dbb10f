import type { Page } from '@playwright/test';

/** The product names in the visible result grid, in order. */
export async function productNames(page: Page, listName?: string | RegExp): Promise<string[]> {
  const list = listName ? page.getByRole('list', { name: listName }) : page.getByRole('main').getByRole('list').filter({ has: page.getByRole('article') });
  return list.getByRole('heading', { level: 3 }).allInnerTexts();
}

/** "€12.50" or "12,50 €" as a number. */
export function priceValue(text: string): number {
  const digits = text.replace(/[^\d.,]/g, '');
  const normalized = /,\d{2}$/.test(digits) ? digits.replace(/\./g, '').replace(',', '.') : digits.replace(/,/g, '');
  return Number(normalized);
}
