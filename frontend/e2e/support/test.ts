import { expect, test as base, type BrowserContext } from '@playwright/test';

export * from '@playwright/test';

type Violation = { page: string; directive: string; blocked: string; source: string };

async function watchForViolations(context: BrowserContext, violations: Violation[]): Promise<void> {
  await context.exposeBinding('__reportCspViolation', ({ page }, violation: Omit<Violation, 'page'>) => {
    violations.push({ page: page.url(), ...violation });
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation?: (v: object) => void }).__reportCspViolation;
      void report?.({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}`,
      });
    });
  });
}

/**
 * Every scenario fails on a Content-Security-Policy violation in any page it opens (its own
 * context and any it starts with `browser.newContext()`): the storefront and the panel run
 * under strict policies, and a violation is either something broken for the person or a
 * policy that would need 'unsafe-*'. The browser's `securitypolicyviolation` events are
 * reported through a binding, with the directive and the blocked address.
 */
export const test = base.extend<{ cspViolations: Violation[] }>({
  cspViolations: [
    async ({ context, browser }, use) => {
      const violations: Violation[] = [];
      await watchForViolations(context, violations);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const created = await newContext(...args);
        await watchForViolations(created, violations);
        return created;
      };
      try {
        await use(violations);
      } finally {
        browser.newContext = newContext;
      }
      expect(violations, 'Content-Security-Policy violations in this scenario').toEqual([]);
    },
    { auto: true },
  ],
});
