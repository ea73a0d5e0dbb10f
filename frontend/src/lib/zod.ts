import { z } from 'zod';

// Our CSP has no 'unsafe-eval': zod's JIT would probe `new Function` once, and the browser
// reports that (caught) probe as a CSP violation on every page with a form. Parsing without it
// is as correct and fast enough for forms.
z.config({ jitless: true });

export { z };
