import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from '@/locales/en';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'ru', label: 'Русский' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];
export const LANGUAGE_STORAGE_KEY = 'shop.language';

/**
 * Texts come in parts: `core` (every page; English ships in the entry), `auth` (sign-in and
 * account pages), `shop` (cart, checkout, orders, balance) and `live` (the chat panel, the staff
 * console and the order board).
 */
export type TextPart = 'core' | 'auth' | 'shop' | 'live';
type Texts = Record<string, unknown>;
const loaders: Record<LanguageCode, Record<TextPart, (() => Promise<Texts>) | null>> = {
  en: {
    core: null,
    auth: () => import('@/locales/en-auth').then((module) => module.enAuth),
    shop: () => import('@/locales/en-shop').then((module) => module.enShop),
    live: () => import('@/locales/en-live').then((module) => module.enLive),
  },
  ru: {
    core: () => import('@/locales/ru').then((module) => module.ru),
    auth: () => import('@/locales/ru-auth').then((module) => module.ruAuth),
    shop: () => import('@/locales/ru-shop').then((module) => module.ruShop),
    live: () => import('@/locales/ru-live').then((module) => module.ruLive),
  },
};
// Parts a page has asked for: a switch of language loads them in the new language too.
const wantedParts = new Set<TextPart>(['core']);
const loadedParts = new Set<string>(['en:core']);

function isSupported(code: string | null | undefined): code is LanguageCode {
  return LANGUAGES.some((language) => language.code === code);
}

/** The user's earlier choice, else the first of the browser's languages we have, else English. */
export function detectLanguage(stored: string | null, browser: readonly string[]): LanguageCode {
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

/** A `?lang=ru` of the first page's URL (the hreflang links of index.html): chosen for this visit and the next. */
function urlLanguage(): LanguageCode | null {
  const code = new URLSearchParams(window.location.search).get('lang');
  return isSupported(code) ? code : null;
}

let startingLanguage: LanguageCode | null = null;

/** The language the visit starts in (the URL's, else the stored choice, else the browser's), known before i18n starts. */
function startLanguage(): LanguageCode {
  startingLanguage ??= urlLanguage() ?? detectLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]);
  return startingLanguage;
}

/** The language the catalog is read in: the interface's (the one it will start in, before i18n has). */
export function currentLanguage(): LanguageCode {
  return i18n.isInitialized && isSupported(i18n.language) ? i18n.language : startLanguage();
}

/** currentLanguage() for a component, which renders again when the language changes (its query keys with it). */
export function useLanguage(): LanguageCode {
  const { i18n: instance } = useTranslation();
  return isSupported(instance.language) ? instance.language : currentLanguage();
}

/** Starts i18n in the detected language; resolves once its texts are there. */
export async function initI18n(): Promise<void> {
  const language = startLanguage();
  if (urlLanguage()) keepChoice(language);
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
  keepChoice(code);
}

function keepChoice(code: LanguageCode): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, code);
  } catch {
    // storage disabled: the choice lasts for this visit
  }
}

export default i18n;
