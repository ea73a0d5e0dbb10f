import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, getAccessToken, refreshAccessToken, setAccessToken } from './api-client';
import { ApiError } from './api-error';

type Handler = (config: InternalAxiosRequestConfig) => { status: number; data?: unknown; headers?: Record<string, string> } | 'network';

/** Answers requests in the test through axios's adapter seam: the client's own interceptors run for real. */
function serve(handler: Handler) {
  const calls: InternalAxiosRequestConfig[] = [];
  const adapter: AxiosAdapter = async (config) => {
    calls.push(config);
    const answer = handler(config);
    if (answer === 'network') {
      const error = Object.assign(new Error('Network Error'), { isAxiosError: true, config, code: 'ERR_NETWORK', toJSON: () => ({}) });
      throw error;
    }
    const response: AxiosResponse = { data: answer.data ?? null, status: answer.status, statusText: '', headers: answer.headers ?? {}, config };
    if (answer.status >= 400) {
      throw Object.assign(new Error(`Request failed with status code ${answer.status}`), { isAxiosError: true, config, response, toJSON: () => ({}) });
    }
    return response;
  };
  api.defaults.adapter = adapter;
  return calls;
}

const problem = (status: number, code: string, detail: string) => ({ type: `/problems/${code}`, title: code, status, detail, code });

beforeEach(() => {
  document.cookie = 'csrf_token=csrf-123; path=/';
  setAccessToken('expired-token');
});
afterEach(() => {
  document.cookie = 'csrf_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  setAccessToken(null);
});

describe('on a 401, the client refreshes once and retries', () => {
  it('retries the request with the new access token', async () => {
    const calls = serve((config) => {
      if (config.url === '/auth/refresh') return { status: 200, data: { access_token: 'fresh-token', refresh_token: 'r', expires_in: 900 } };
      return config.headers.get('Authorization') === 'Bearer fresh-token' ? { status: 200, data: { id: 7 } } : { status: 401, data: problem(401, 'invalid_token', 'Token expired.') };
    });
    const { data } = await api.get('/users/me');
    expect(data).toEqual({ id: 7 });
    expect(getAccessToken()).toBe('fresh-token');
    const refresh = calls.filter((c) => c.url === '/auth/refresh');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(calls.map((c) => c.url)).toEqual(['/users/me', '/auth/refresh', '/users/me']);
  });

  it('shares one refresh between requests that fail at the same time (single flight)', async () => {
    let refreshes = 0;
    serve((config) => {
      if (config.url === '/auth/refresh') {
        refreshes += 1;
        return { status: 200, data: { access_token: `fresh-${refreshes}`, refresh_token: 'r', expires_in: 900 } };
      }
      return config.headers.get('Authorization') === 'Bearer fresh-1' ? { status: 200, data: config.url } : { status: 401, data: problem(401, 'invalid_token', 'Expired.') };
    });
    const results = await Promise.all(['/a', '/b', '/c', '/d'].map((url) => api.get(url)));
    expect(results.map((r) => r.data)).toEqual(['/a', '/b', '/c', '/d']);
    expect(refreshes).toBe(1);
  });

  it('retries only once: a second 401 is the answer', async () => {
    const calls = serve((config) =>
      config.url === '/auth/refresh'
        ? { status: 200, data: { access_token: 'fresh-token', refresh_token: 'r', expires_in: 900 } }
        : { status: 401, data: problem(401, 'not_authenticated', 'Session ended.') },
    );
    await expect(api.get('/users/me')).rejects.toMatchObject({ status: 401, code: 'not_authenticated' });
    expect(calls.map((c) => c.url)).toEqual(['/users/me', '/auth/refresh', '/users/me']);
  });

  it('ends the session when the refresh is refused', async () => {
    serve((config) =>
      config.url === '/auth/refresh' ? { status: 401, data: problem(401, 'refresh_token_reused', 'Ended.') } : { status: 401, data: problem(401, 'invalid_token', 'Expired.') },
    );
    await expect(api.get('/users/me')).rejects.toBeInstanceOf(ApiError);
    expect(getAccessToken()).toBeNull();
  });

  it('does not refresh for a guest without the refresh cookie', async () => {
    document.cookie = 'csrf_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    const calls = serve(() => ({ status: 200, data: {} }));
    await expect(refreshAccessToken()).resolves.toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('keeps the session on a wrong password given to confirm a change (401 invalid_credentials)', async () => {
    setAccessToken('live-token');
    const calls = serve((config) =>
      config.url === '/auth/refresh'
        ? { status: 200, data: { access_token: 'fresh-token', refresh_token: 'r', expires_in: 900 } }
        : { status: 401, data: problem(401, 'invalid_credentials', 'The current password is wrong.') },
    );
    for (const [method, url] of [['put', '/users/me/password'], ['delete', '/users/me']] as const) {
      await expect(api.request({ method, url, data: { password: 'wrong' } })).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    }
    expect(calls.map((c) => c.url)).toEqual(['/users/me/password', '/users/me']);
    expect(getAccessToken()).toBe('live-token');
  });

  it('keeps the extension members of a problem (e.g. the short lines of out_of_stock)', async () => {
    const items = [{ product_id: 3, requested: 2, available: 1 }];
    serve(() => ({ status: 409, data: { ...problem(409, 'out_of_stock', 'Not enough.'), items } }));
    const error = (await api.post('/orders', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('out_of_stock');
    expect(error.data.items).toEqual(items);
  });

  it('never refreshes on the auth endpoints themselves (a wrong password is an answer)', async () => {
    setAccessToken(null);
    const calls = serve(() => ({ status: 401, data: problem(401, 'invalid_credentials', 'Wrong login or password.') }));
    await expect(api.post('/auth/login', {}, { skipAuthRefresh: true })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(calls).toHaveLength(1);
  });
});

describe('failures become typed ApiErrors', () => {
  it('maps problem+json with field errors and Retry-After', async () => {
    serve(() => ({
      status: 429,
      data: problem(429, 'too_many_requests', 'Too many failed logins; try again later.'),
      headers: { 'retry-after': '42' },
    }));
    const error = await api.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'too_many_requests', detail: 'Too many failed logins; try again later.', retryAfter: 42 });
  });

  it('turns a lost connection into network_error (status 0)', async () => {
    serve(() => 'network');
    const error = (await api.get('/x').catch((e: unknown) => e)) as ApiError;
    expect(error.isNetworkError).toBe(true);
    expect(error.code).toBe('network_error');
  });
});

describe('the API answers in the interface language', () => {
  it('asks for the language on <html lang>, which i18n keeps', async () => {
    setAccessToken(null);
    const calls = serve(() => ({ status: 200, data: {} }));
    document.documentElement.lang = 'en';
    await api.get('/products/kenya-nyeri-aa');
    document.documentElement.lang = 'ru';
    await api.get('/products/kenya-nyeri-aa');
    expect(calls.map((call) => call.headers.get('Accept-Language'))).toEqual(['en', 'ru']);
  });
});
