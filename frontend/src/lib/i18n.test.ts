import { describe, expect, it } from 'vitest';
import { detectLanguage } from './i18n';

describe('detectLanguage', () => {
  it('follows a link that asks for a language over the earlier choice and the browser', () => {
    expect(detectLanguage('ru', 'en', ['en-GB'])).toBe('ru');
    expect(detectLanguage('en', 'ru', ['ru-RU'])).toBe('en');
  });

  it('ignores a language it does not have and keeps the earlier choice, then the browser', () => {
    expect(detectLanguage('fr', 'ru', ['en-US'])).toBe('ru');
    expect(detectLanguage(null, null, ['de-DE', 'ru-RU'])).toBe('ru');
    expect(detectLanguage('<x>', null, [])).toBe('en');
  });
});
