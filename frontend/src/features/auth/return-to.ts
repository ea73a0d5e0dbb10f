import { safeNext } from '@/config/paths';

/**
 * Where a customer was going when they chose to create an account (the checkout, say). Kept in
 * this browser, since the verification link opens in a new tab from the mail; read once.
 */
const STORAGE_KEY = 'shop.returnTo';

export function rememberReturnTo(next: string | null | undefined): void {
  try {
    if (next) localStorage.setItem(STORAGE_KEY, safeNext(next));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage off: the customer lands on the home page instead
  }
}

export function peekReturnTo(): string | null {
  try {
    const next = localStorage.getItem(STORAGE_KEY);
    return next ? safeNext(next) : null;
  } catch {
    return null;
  }
}

export function forgetReturnTo(): void {
  rememberReturnTo(null);
}

/** `path` with `next` kept in its query, when there is one. */
export function withNext(path: string, next: string | null | undefined): string {
  return next ? `${path}?${new URLSearchParams({ next: safeNext(next) })}` : path;
}
