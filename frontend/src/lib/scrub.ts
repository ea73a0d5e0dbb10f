/**
 * The backend's scrubbing (backend/app/core/sentry.py) for the storefront's error reports:
 * credentials and personal data are redacted before an event leaves the browser. The shop's
 * tunnel (/api/v1/client-errors) scrubs each event again the same way before Sentry gets it.
 */

export const REDACTED = '[Filtered]';

const SECRET_KEY =
  /authorization|cookie|csrf|password|passwd|secret|token|session|signature|api[_-]?key|e-?mail|x-forwarded-for|x-real-ip|remote_addr|ip_address|phone|address|full_name/i;
const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;
const BEARER = /\b(bearer|basic)\s+[\w.~+/=-]+/gi;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
// key=value or "key": "value" pairs with a secret key, in query strings and messages.
const SECRET_PAIR = /([\w-]*(?:token|password|passwd|secret|csrf|signature|session)[\w-]*)(["']?\s*[:=]\s*["']?)([^\s&"',;}]+)/gi;

export function scrubText(text: string): string {
  return text
    .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(SECRET_PAIR, (_match, key: string, separator: string) => `${key}${separator}${REDACTED}`)
    .replace(EMAIL, REDACTED);
}

/** `value` with every secret-named entry redacted and every string cleaned, at any depth. */
export function scrub<T>(value: T): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (Array.isArray(value)) {
    if (value.length === 2 && typeof value[0] === 'string' && SECRET_KEY.test(value[0])) return [value[0], REDACTED] as T;
    return value.map((item: unknown) => scrub(item)) as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) && item !== null && item !== '' ? REDACTED : scrub(item)]),
    ) as T;
  }
  return value;
}
