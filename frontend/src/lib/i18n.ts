import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from '@/locales/en';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'ru', label: 'Русский' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];
export const LANGUAGE_STORAGE_KEY = 'shop.language';

/**
 * Texts come in parts: `core` (every page; English ships in the entry), `auth` (sign-in and
 * account pages), `shop` (cart, checkout, orders, balance), `live` (the chat panel, the staff
 * console and the order board) and `options` (a product's choices: the product and cart pages).
 */
export type TextPart = 'core' | 'auth' | 'shop' | 'live' | 'options';
type Texts = Record<string, unknown>;
const loaders: Record<LanguageCode, Record<TextPart, (() => Promise<Texts>) | null>> = {
  en: {
    core: null,
    auth: () => import('@/locales/en-auth').then((module) => module.enAuth),
    shop: () => import('@/locales/en-shop').then((module) => module.enShop),
    live: () => import('@/locales/en-live').then((module) => module.enLive),
    options: () => import('@/locales/en-options').then((module) => module.enOptions),
  },
  ru: {
    core: () => import('@/locales/ru').then((module) => module.ru),
    auth: () => import('@/locales/ru-auth').then((module) => module.ruAuth),
    shop: () => import('@/locales/ru-shop').then((module) => module.ruShop),
    live: () => import('@/locales/ru-live').then((module) => module.ruLive),
    options: () => import('@/locales/ru-options').then((module) => module.ruOptions),
  },
};
// Parts a page has asked for: a switch of language loads them in the new language too.
const wantedParts = new Set<TextPart>(['core']);
const loadedParts = new Set<string>(['en:core']);

function isSupported(code: string | null | undefined): code is LanguageCode {
  return LANGUAGES.some((language) => language.code === code);
}

/**
 * The language the link asks for (`?lang=ru`, as search engines' language alternates do), else the
 * user's earlier choice, else the first of the browser's languages we have, else English.
 */
export function detectLanguage(requested: string | null, stored: string | null, browser: readonly string[]): LanguageCode {
  if (isSupported(requested)) return requested;
  if (isSupported(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isSupported(base)) return base;
  }
  return 'en';
}

function readStoredLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

async function ensureLoaded(code: LanguageCode): Promise<void> {
  await Promise.all(
    [...wantedParts].map(async (part) => {
      const load = loaders[code][part];
      if (!load || loadedParts.has(`${code}:${part}`)) return;
      i18n.addResourceBundle(code, 'translation', await load(), true, true);
      loadedParts.add(`${code}:${part}`);
    }),
  );
}

/** Loads parts of the texts (in the current language) before a page that needs them renders. */
export async function loadTexts(...parts: TextPart[]): Promise<void> {
  for (const part of parts) wantedParts.add(part);
  const language = isSupported(i18n.language) ? i18n.language : 'en';
  await Promise.all([ensureLoaded(language), language === 'en' ? undefined : ensureLoaded('en')]);
}

function applyLanguage(code: string) {
  document.documentElement.lang = code;
}

/**
 * The interface language, on <html lang>: what the API is asked to answer in (api-client) and
 * what catalog, store and info queries are keyed by. A component using them renders again on a
 * switch (useTranslation), so their keys change and they read the new language's texts.
 */
export const language = (): string => document.documentElement.lang;

// `?lang=ru` (index.html's hreflang links), else the earlier choice, else the browser's: on
// <html lang> as the entry loads, so the first page's requests (before i18n starts) ask for it.
const detected = detectLanguage(new URLSearchParams(location.search).get('lang'), readStoredLanguage(), navigator.languages ?? [navigator.language]);
applyLanguage(detected);

/** Starts i18n in the detected language; resolves once its texts are there. */
export async function initI18n(): Promise<void> {
  const language = detected;
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    fallbackLng: 'en',
    showSupportNotice: false,
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
  });
  i18n.on('languageChanged', applyLanguage);
  await ensureLoaded(language).catch(() => undefined);
  await i18n.changeLanguage(loadedParts.has(`${language}:core`) ? language : 'en');
  applyLanguage(i18n.language);
}

/** Switches the interface language and keeps the choice for the next visit. */
export async function setLanguage(code: LanguageCode): Promise<void> {
  await ensureLoaded(code);
  await i18n.changeLanguage(code);
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, code);
  } catch {
    // storage disabled: the choice lasts for this visit
  }
}

export default i18n;
