import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { toApiError } from './api-error';
import type { ApiResponse } from './api-types';

/**
 * The one HTTP client. The access token lives in memory only; the refresh token is an
 * HttpOnly cookie the browser sends to /api/v1/auth, guarded by the double-submit CSRF cookie.
 */
export const api = axios.create({
  baseURL: '/api/v1',
  adapter: 'xhr', // the build leaves axios's fetch adapter out (vite.config.ts)
  withCredentials: true,
  timeout: 20_000,
  headers: { Accept: 'application/json' },
});

type TokenPair = ApiResponse<'/api/v1/auth/refresh', 'post'>;
type RetriableConfig = InternalAxiosRequestConfig & { _retried?: boolean };

let accessToken: string | null = null;
let refreshInFlight: Promise<string | null> | null = null;
const sessionListeners = new Set<(signedIn: boolean) => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  const changed = Boolean(token) !== Boolean(accessToken);
  accessToken = token;
  if (changed) for (const listener of sessionListeners) listener(Boolean(token));
}

/** Told when the session starts or ends (e.g. a refresh that failed signs the user out). */
export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** The CSRF cookie exists only while a refresh cookie may exist: without it, do not even ask. */
export function hasRefreshCookie(): boolean {
  return readCookie('csrf_token') !== null;
}

/**
 * Trades the refresh cookie for a new access token. Concurrent callers share one request
 * (single flight): the refresh token rotates on use, so a second parallel refresh would
 * present a dead token and end the session.
 */
export function refreshAccessToken(): Promise<string | null> {
  if (!refreshInFlight) {
    refreshInFlight = (async () => {
      const csrf = readCookie('csrf_token');
      if (!csrf) {
        setAccessToken(null);
        return null;
      }
      try {
        const { data } = await api.post<TokenPair>('/auth/refresh', undefined, {
          headers: { 'X-CSRF-Token': csrf },
          skipAuthRefresh: true,
        });
        setAccessToken(data.access_token);
        return data.access_token;
      } catch (error) {
        // A network failure keeps what we have; a refused refresh ends the session.
        if (toApiError(error).isNetworkError) throw toApiError(error);
        setAccessToken(null);
        return null;
      }
    })().finally(() => {
      refreshInFlight = null;
    });
  }
  return refreshInFlight;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Auth endpoints themselves: a 401 there is an answer, not a reason to refresh. */
    skipAuthRefresh?: boolean;
  }
}

/**
 * 401s that answer the request itself (a wrong password given to confirm a change or a
 * deletion), not a dead token: refreshing would not help and must not end the session.
 */
const ANSWER_CODES = new Set(['invalid_credentials']);

api.interceptors.request.use((config) => {
  if (accessToken && !config.headers.has('Authorization')) {
    config.headers.set('Authorization', `Bearer ${accessToken}`);
  }
  // The API answers in the interface's language (catalog texts, terms, cart names), on <html lang>.
  config.headers.set('Accept-Language', document.documentElement.lang);
  return config;
});

api.interceptors.response.use(
  (response) => response,
  async (error: AxiosError) => {
    const config = error.config as RetriableConfig | undefined;
    const sentToken = config?.headers?.get?.('Authorization');
    const code = (error.response?.data as { code?: unknown } | undefined)?.code;
    if (
      error.response?.status === 401 &&
      !ANSWER_CODES.has(String(code)) &&
      config &&
      !config.skipAuthRefresh &&
      !config._retried &&
      sentToken
    ) {
      config._retried = true;
      const token = await refreshAccessToken().catch(() => null);
      if (token) {
        config.headers.set('Authorization', `Bearer ${token}`);
        return api.request(config);
      }
    }
    throw toApiError(error);
  },
);
