import { expect, test } from './support/test';
import { productNames } from './support/catalog';

test("a category lists its subcategories' products, and choosing subcategories narrows it to them", async ({ page, request }) => {
  const categories = (await (await request.get('/api/v1/categories?page_size=100')).json()) as { items: { id: number; slug: string; parent_id: number | null }[] };
  const books = categories.items.find((category) => category.slug === 'books')!;
  const count = async (query: string) => ((await (await request.get(`/api/v1/products?${query}&page_size=1`)).json()) as { total: number }).total;
  const children = categories.items.find((category) => category.slug === 'childrens-books' || (category.parent_id === books.id && category.slug.includes('child')))!;
  const science = categories.items.find((category) => category.parent_id === books.id && category.slug.includes('science'))!;
  const inChildren = await count(`category_id=${children.id}`);
  const inScience = await count(`category_id=${science.id}`);
  const inBooks = await count(`category_id=${books.id}`);
  expect(inBooks).toBeGreaterThan(inChildren + inScience);

  await page.goto('/catalog/books');
  await expect(page.getByText(`${inBooks} products`)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Books' })).toContainText("Ella's Rainy Day Adventure");

  await page.getByRole('checkbox', { name: "Children's" }).click();
  await expect(page.getByRole('checkbox', { name: "Children's" })).toBeChecked();
  await expect(page).toHaveURL(new RegExp(`sub=${children.slug}$`));
  await expect(page.getByText(`${inChildren} products`)).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  const names = await productNames(page, 'Books');
  expect(names).toContain("Ella's Rainy Day Adventure");
  expect(names).not.toContain('Winter in Lisbon');

  await page.getByRole('checkbox', { name: 'Science' }).click();
  await expect(page.getByText(`${inChildren + inScience} products`)).toBeVisible();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: "Children's" })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Science' })).toBeChecked();
  await expect(page.getByText(`${inChildren + inScience} products`)).toBeVisible();
});
