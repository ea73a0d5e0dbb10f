import { Suspense, lazy } from 'react';
import { useNotices } from '@/lib/notices';

const NoticeList = lazy(() => import('./notice-list'));

/**
 * Where notices appear: one live region, present from the start so screen readers hear what
 * arrives; what renders a notice is loaded with the first one.
 */
export function Notices() {
  const notices = useNotices();
  return (
    <div data-print="hide" className="pointer-events-none fixed inset-x-0 bottom-0 z-40 flex justify-center px-3 pb-3 sm:justify-end sm:px-6 sm:pb-6">
      <div role="status" aria-live="polite" className="flex w-full max-w-sm flex-col gap-2">
        {notices.length ? (
          <Suspense fallback={null}>
            <NoticeList notices={notices} />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
