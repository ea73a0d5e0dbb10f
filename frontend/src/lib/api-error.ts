import { isAxiosError } from 'axios';

/** One field's complaint from a 422 (`errors: [{loc, msg, type}]`). */
export type FieldIssue = { loc: (string | number)[]; msg: string; type: string };

/**
 * Every failed request, as the UI sees it: the API's problem+json (RFC 9457) or, without an
 * answer, a network error (`code: 'network_error'`, `status: 0`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldIssue[];
  /** Seconds to wait before trying again (from Retry-After), when the API said so. */
  readonly retryAfter: number | null;
  /** The problem document as sent, with its extension members (e.g. `items` of out_of_stock). */
  readonly data: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string | null;
    errors?: FieldIssue[];
    retryAfter?: number | null;
    data?: Record<string, unknown>;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail || init.title;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
    this.data = init.data ?? {};
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }

  /** Field issues keyed by field name (the last part of `loc` after `body`/`query`). */
  fieldErrors(): Record<string, FieldIssue> {
    const fields: Record<string, FieldIssue> = {};
    for (const issue of this.errors) {
      const name = issue.loc.filter((part) => typeof part === 'string' && !['body', 'query', 'path'].includes(part)).at(-1);
      if (typeof name === 'string' && !(name in fields)) fields[name] = issue;
    }
    return fields;
  }
}

/** Retry-After as seconds: either a number of seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

function isFieldIssue(value: unknown): value is FieldIssue {
  const issue = value as FieldIssue;
  return typeof issue === 'object' && issue !== null && Array.isArray(issue.loc) && typeof issue.msg === 'string';
}

/** Any thrown value (an Axios error, a problem document, anything else) as an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isAxiosError(error)) {
    const response = error.response;
    if (!response) {
      return new ApiError({ status: 0, code: 'network_error', title: 'Network error', detail: error.message });
    }
    const body = response.data as Record<string, unknown> | null | undefined;
    const problem = body && typeof body === 'object' ? body : {};
    const errors = Array.isArray(problem.errors) ? problem.errors.filter(isFieldIssue) : [];
    return new ApiError({
      status: response.status,
      code: typeof problem.code === 'string' ? problem.code : `http_${response.status}`,
      title: typeof problem.title === 'string' ? problem.title : response.statusText || 'Error',
      detail: typeof problem.detail === 'string' ? problem.detail : null,
      errors,
      retryAfter: parseRetryAfter(response.headers?.['retry-after']),
      data: problem,
    });
  }
  return new ApiError({
    status: -1,
    code: 'client_error',
    title: 'Unexpected error',
    detail: error instanceof Error ? error.message : String(error),
  });
}
