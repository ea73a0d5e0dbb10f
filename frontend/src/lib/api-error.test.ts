import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import i18n from 'i18next';
import { useForm } from 'react-hook-form';
import { renderHook, act } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '@/locales/en';
import { enAuth } from '@/locales/en-auth';
import { ru } from '@/locales/ru';
import { ruAuth } from '@/locales/ru-auth';
import { ApiError, parseRetryAfter, toApiError } from './api-error';
import { applyApiErrors } from './form-errors';
import { problemMessage } from './problem-message';

function axiosError(status: number, data: unknown, headers: Record<string, string> = {}) {
  const config = { headers: new AxiosHeaders() };
  const response = { status, statusText: '', data, headers, config } as AxiosResponse;
  return new AxiosError('failed', 'ERR_BAD_RESPONSE', config, {}, response);
}

const validation = {
  type: '/problems/validation-error',
  title: 'Validation error',
  status: 422,
  detail: 'The request is not valid.',
  code: 'validation_error',
  errors: [
    { loc: ['body', 'password'], msg: 'Value error, this password is too common; choose another', type: 'value_error' },
    { loc: ['body', 'username'], msg: 'String should have at least 3 characters', type: 'string_too_short', ctx: { min_length: 3 } },
  ],
};

beforeAll(async () => {
  await i18n.init({ resources: { en: { translation: { ...en, ...enAuth } }, ru: { translation: { ...ru, ...ruAuth } } }, lng: 'en', showSupportNotice: false, interpolation: { escapeValue: false } });
});

describe('problem+json to ApiError', () => {
  it('keeps code, detail and per-field errors', () => {
    const error = toApiError(axiosError(422, validation));
    expect(error).toMatchObject({ status: 422, code: 'validation_error', detail: 'The request is not valid.' });
    expect(Object.keys(error.fieldErrors())).toEqual(['password', 'username']);
  });

  it('copes with a body that is not a problem (a proxy error page)', () => {
    const error = toApiError(axiosError(502, '<html>Bad gateway</html>'));
    expect(error).toMatchObject({ status: 502, code: 'http_502', errors: [] });
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(60);
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe('what the customer reads', () => {
  it('says how long to wait after a 429, in their language', async () => {
    const error = new ApiError({ status: 429, code: 'too_many_requests', title: 'Too many requests', retryAfter: 5 });
    expect(problemMessage(i18n.t, error)).toBe('Too many attempts. Please try again in 5 seconds.');
    await i18n.changeLanguage('ru');
    expect(problemMessage(i18n.t, error)).toBe('Слишком много попыток. Попробуйте снова через 5 секунд.');
    await i18n.changeLanguage('en');
  });

  it("falls back to the API's detail for a code we do not know", () => {
    const error = new ApiError({ status: 409, code: 'brand_new_code', title: 'Conflict', detail: 'Something specific happened.' });
    expect(problemMessage(i18n.t, error)).toBe('Something specific happened.');
  });

  it('puts 422 issues and field-naming codes next to the right form field', () => {
    const { result } = renderHook(() => useForm({ defaultValues: { username: '', email: '', password: '' } }));
    let formMessage: string | null = 'unset';
    act(() => {
      formMessage = applyApiErrors(axiosError(422, validation), result.current.setError, i18n.t, { fields: ['username', 'email', 'password'] });
    });
    expect(formMessage).toBeNull();
    expect(result.current.getFieldState('password').error?.message).toBe('This password is too common; choose another.');
    expect(result.current.getFieldState('username').error?.message).toBe('This is too short.');

    act(() => {
      formMessage = applyApiErrors(
        axiosError(409, { title: 'Conflict', status: 409, code: 'email_taken', detail: 'E-mail address already registered' }),
        result.current.setError,
        i18n.t,
        { fields: ['username', 'email', 'password'], codeToField: { email_taken: 'email' } },
      );
    });
    expect(result.current.getFieldState('email').error?.message).toBe('An account with this e-mail address already exists.');
  });
});
