import { useCallback, useState } from 'react';

/**
 * Whether an element has come near the viewport (once true, it stays true): for below-the-fold
 * parts that are not worth their cost before someone scrolls to them. Without
 * IntersectionObserver (old browsers, jsdom) everything counts as seen.
 */
export function useSeen<T extends Element>(rootMargin = '300px'): [(element: T | null) => void, boolean] {
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === 'undefined');
  const ref = useCallback(
    (element: T | null) => {
      if (!element || seen) return;
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          setSeen(true);
          observer.disconnect();
        },
        { rootMargin },
      );
      observer.observe(element);
      return () => observer.disconnect();
    },
    [seen, rootMargin],
  );
  return [ref, seen];
}
