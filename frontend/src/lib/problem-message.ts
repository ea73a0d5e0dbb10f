import type { TFunction } from 'i18next';
import { ApiError, toApiError, type FieldIssue } from './api-error';

/** What to tell a person about a failed request, in their language where we know the code. */
export function problemMessage(t: TFunction, error: unknown): string {
  const problem = error instanceof ApiError ? error : toApiError(error);
  if (problem.code === 'too_many_requests' || problem.status === 429) {
    return problem.retryAfter
      ? t('errors.tooManyRequestsWait', { count: problem.retryAfter })
      : t('errors.too_many_requests');
  }
  if (problem.isNetworkError) return t('errors.network_error');
  if (problem.status >= 500) return t('errors.server_error');
  return t(`errors.${problem.code}`, { defaultValue: problem.detail });
}

/**
 * A 422 field issue in the user's language, by field and pydantic's error type
 * (`fieldErrors.password.value_error`, then `fieldErrors.string_too_short`); the API's text otherwise.
 */
export function fieldIssueMessage(t: TFunction, field: string, issue: FieldIssue & { ctx?: Record<string, unknown> }): string {
  const options = { ...(issue.ctx ?? {}), defaultValue: issue.msg };
  return t([`fieldErrors.${field}.${issue.type}`, `fieldErrors.${issue.type}`], options);
}
