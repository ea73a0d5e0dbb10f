import { expect, test, type Page } from './support/test';
import { en } from '../src/locales/en';
import { enAuth } from '../src/locales/en-auth';
import { enLive } from '../src/locales/en-live';
import { enShop } from '../src/locales/en-shop';
import { verifiedCustomer } from './support/customer';
import { PAGES, pageReady } from './support/pages';
import { SUPPORT } from './support/staff';

// Every English interface text as a whole-text pattern ({{placeholders}} match anything).
function englishTexts(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node && typeof node === 'object') for (const value of Object.values(node)) englishTexts(value, out);
  return out;
}
// Texts that read the same in both languages, and templates so bare they match any "x: y of z".
const SAME_IN_BOTH = new Set(['ISBN', enShop.cart.shortLine, enShop.cart.noneLeft, enShop.orders.number]);
const ENGLISH = englishTexts([en, enAuth, enShop, enLive])
  .filter((text) => !SAME_IN_BOTH.has(text))
  .map((text) => new RegExp(`^${text.split(/\{\{[^}]+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`));

/** Interface text left in English: text nodes, labels, placeholders and alt texts equal to one of ours. */
async function englishLeft(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) found.push((walker.currentNode.textContent ?? '').trim());
    for (const element of document.querySelectorAll('[aria-label],[placeholder],[alt],[title]')) {
      for (const name of ['aria-label', 'placeholder', 'alt', 'title']) found.push(element.getAttribute(name)?.trim() ?? '');
    }
    found.push(document.title);
    return found.filter(Boolean);
  });
  return texts.filter((text) => ENGLISH.some((english) => english.test(text)));
}

test('switching to Russian translates the whole interface and keeps the choice', async ({ page, request }) => {
  test.slow(); // a tour of every page, twice signed in: over a minute on a busy 2-core machine
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Хорошие книги и отличный кофе рядом с вами');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');

  for (const { path } of PAGES) {
    await page.goto(path);
    await pageReady(page);
    expect(await englishLeft(page), `English left on ${path}`).toEqual([]);
  }

  // Prices and dates in Russian, and the catalog's names too.
  await page.goto('/products/the-lighthouse-keepers-daughter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Дочь смотрителя маяка');
  await expect(page.getByText(/^14,90\s€$/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Наличие в магазинах' })).toBeVisible();

  // Errors too: the API's answer in the interface language.
  await page.goto('/login');
  await page.getByLabel('Эл. почта или имя пользователя').fill('nobody@example.com');
  await page.getByLabel('Пароль').fill('not-the-password');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('alert')).toHaveText('Неверный логин или пароль.');
  await page.getByLabel('Пароль').fill('');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByText('Заполните это поле.')).toBeVisible();

  const customer = await verifiedCustomer(request, 'chitatel');
  await page.getByLabel('Эл. почта или имя пользователя').fill(customer.email);
  await page.getByLabel('Пароль').fill(customer.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('button', { name: 'Выйти' })).toBeVisible();
  await page.goto('/account/profile');
  const year = new Date().getFullYear();
  await expect(page.getByText(new RegExp(`\\d{1,2} [а-я]+ ${year}`))).toBeVisible();
  expect(await englishLeft(page)).toEqual([]);
  // The cart, checkout, orders and the account's pages, signed in.
  await page.goto('/products/the-slow-kitchen');
  await page.getByRole('main').getByRole('button', { name: 'В корзину', exact: true }).click();
  await expect(page.getByRole('status').getByText('«Медленная кухня: готовим со временем» в корзине.')).toBeVisible();
  for (const [path, heading] of [
    ['/cart', 'Ваша корзина'],
    ['/checkout', 'Оформление заказа'],
    ['/orders', 'Ваши заказы'],
    ['/account', `Здравствуйте, ${customer.fullName}`],
    ['/account/security', 'Вход и безопасность'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await englishLeft(page), `English left on ${path}`).toEqual([]);
  }
  await page.goto('/account');
  await expect(page.getByTestId('balance')).toHaveText(/^0,00\s€$/);

  // The chat panel, with a message in it.
  await page.getByRole('button', { name: 'Написать нам' }).click();
  const panel = page.getByRole('region', { name: 'Чат с магазином' });
  await panel.getByRole('textbox', { name: 'Ваше сообщение' }).fill('Здравствуйте!');
  await panel.getByRole('textbox', { name: 'Ваше сообщение' }).press('Enter');
  await expect(panel.getByText('На связи')).toBeVisible();
  await expect(panel.getByText('Отправляется…')).toHaveCount(0);
  expect(await englishLeft(page), 'English left in the chat panel').toEqual([]);

  // The choice is kept over the browser's English.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Выйти' })).toBeVisible();
});

test('the support console and the order board in Russian', async ({ browser }) => {
  const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  await page.goto('/login');
  await page.getByLabel('Эл. почта или имя пользователя').fill(SUPPORT.email);
  await page.getByLabel('Пароль').fill(SUPPORT.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('button', { name: 'Выйти' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Сотрудникам' }).getByRole('link', { name: 'Консоль поддержки' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Консоль поддержки' })).toBeVisible();
  await page.getByRole('list', { name: 'Разговоры' }).or(page.getByText('Здесь разговоров нет.')).first().waitFor();
  expect(await englishLeft(page), 'English left on /staff').toEqual([]);
  await page.getByRole('navigation', { name: 'Сотрудникам' }).getByRole('link', { name: 'Доска заказов' }).click();
  await page.getByRole('combobox', { name: 'Магазин', exact: true }).selectOption({ index: 1 });
  await expect(page.getByRole('heading', { level: 2, name: /^Новые/ })).toBeVisible();
  await expect(page.getByText('В реальном времени')).toBeVisible();
  expect(await englishLeft(page), 'English left on /staff/orders').toEqual([]);
});

test('the catalog in Russian: names, descriptions, attribute values, terms and search, then English again', async ({ page }) => {
  // A link in Russian (index.html's hreflang alternates) opens the shop in Russian.
  await page.goto('/products/ethiopia-yirgacheffe-kochere?lang=ru');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Эфиопия Иргачефф Кочере');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByText(/^Цветочный, похожий на чай кофе с жасмином/)).toBeVisible();
  const attributes = page.getByRole('main').locator('dl');
  await expect(attributes.getByText('светлая', { exact: true })).toBeVisible();
  await expect(attributes.getByText('мытая', { exact: true })).toBeVisible();
  await expect(attributes.getByText('Эфиопия', { exact: true })).toBeVisible();

  await page.goto('/catalog/coffee-beans?lang=ru');
  await expect(page.getByRole('heading', { level: 1, name: 'Кофе в зёрнах' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Кофе в зёрнах' })).toContainText('Кения Ньери AA');

  await page.getByRole('link', { name: 'О нас' }).first().click();
  await expect(page.getByText(/^Закажите на сайте и заберите заказ в выбранном магазине/)).toBeVisible();

  const search = page.getByRole('combobox', { name: 'Поиск по магазину' });
  await search.fill('кофе');
  await expect(page.getByRole('option', { name: /кофе/i }).first()).toBeVisible(); // suggestions, in Russian
  await search.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Результаты по запросу «кофе»' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: 'Кения Ньери AA' })).toBeVisible();

  // Back to English: the same page shows the English names at once.
  await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  await expect(page.getByRole('main').getByRole('link', { name: 'Kenya Nyeri AA' })).toBeVisible();
  await page.goto('/products/ethiopia-yirgacheffe-kochere');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ethiopia Yirgacheffe Kochere');
  await expect(page.getByRole('main').locator('dl').getByText('washed', { exact: true })).toBeVisible();
});
