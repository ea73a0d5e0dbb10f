import type { TFunction } from 'i18next';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { toApiError } from './api-error';
import { fieldIssueMessage, problemMessage } from './problem-message';

/**
 * Puts an API error next to the field it concerns: 422 issues by their `loc`, and problem
 * codes that name a field (e.g. `email_taken` → email). Returns the form-level message for
 * whatever no field took, or null when every complaint found its field.
 */
export function applyApiErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  t: TFunction,
  { fields, codeToField = {} }: { fields: Path<T>[]; codeToField?: Record<string, Path<T>> },
): string | null {
  const problem = toApiError(error);
  const byCode = codeToField[problem.code];
  if (byCode) {
    setError(byCode, { type: 'server', message: problemMessage(t, problem) }, { shouldFocus: true });
    return null;
  }
  const issues = problem.fieldErrors();
  let placed = 0;
  for (const field of fields) {
    const issue = issues[field];
    if (issue) {
      setError(field, { type: 'server', message: fieldIssueMessage(t, field, issue) }, { shouldFocus: placed === 0 });
      placed += 1;
    }
  }
  return placed > 0 && placed === Object.keys(issues).length ? null : problemMessage(t, problem);
}
