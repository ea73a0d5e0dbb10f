import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Repeats each failed attempt's error, short, as the run's very last lines: CI keeps only the
 * tail of a long log, and the list reporter puts the errors before pages of attachments. A
 * scenario that passed only on its retry is listed as flaky, with the error of its failure.
 */
export default class FailureSummary implements Reporter {
  private failed = new Map<TestCase, string[]>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'passed' || result.status === 'skipped') return;
    const errors = result.errors.map((error) => {
      const place = error.location ? ` (line ${error.location.line})` : '';
      // eslint-disable-next-line no-control-regex -- the ANSI colours of Playwright's messages
      const message = (error.message ?? String(error.value)).replace(/\u001b\[[0-9;]*m/g, '');
      return `    ${message.split('\n').slice(0, 12).join('\n    ')}${place}`;
    });
    const attempt = `    attempt ${result.retry + 1}: ${result.status} after ${(result.duration / 1000).toFixed(1)} s\n${errors.join('\n')}`;
    this.failed.set(test, [...(this.failed.get(test) ?? []), attempt]);
  }

  onEnd(result: FullResult): void {
    if (this.failed.size === 0) return;
    const lines = [...this.failed].map(([test, attempts]) => {
      const where = `${test.location.file.split('/e2e/').pop() ?? test.location.file}:${test.location.line}`;
      const verdict = test.outcome() === 'flaky' ? 'FLAKY (passed on retry)' : 'FAILED';
      return `  ${verdict} ${where} › ${test.title}\n${attempts.join('\n')}`;
    });
    console.log(`\n[web] ${this.failed.size} scenario(s) did not pass at once (run: ${result.status}):\n${lines.join('\n')}`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
