import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '@/lib/format';

/** One message: who wrote it, the text exactly as typed (as text, never HTML), when, and its state. */
export function MessageBubble({
  mine,
  author,
  text,
  createdAt,
  children,
}: {
  mine: boolean;
  author: string;
  text: string;
  createdAt?: string;
  children?: ReactNode;
}) {
  const { i18n } = useTranslation();
  return (
    <li className={`flex flex-col gap-0.5 ${mine ? 'items-end' : 'items-start'}`}>
      <div className={`max-w-[85%] rounded-2xl px-3 py-2 ${mine ? 'rounded-br-sm bg-brand text-brand-contrast' : 'rounded-bl-sm bg-surface-muted text-ink'}`}>
        <p className="sr-only">{author}:</p>
        <p className="whitespace-pre-wrap break-words">{text}</p>
      </div>
      <p className="px-1 text-xs text-ink-muted">
        {createdAt ? <time dateTime={createdAt}>{formatTime(createdAt, i18n.language)}</time> : null}
        {children}
      </p>
    </li>
  );
}

/**
 * A scrolling list that stays at the bottom as messages arrive (unless scrolled up to read),
 * keeps its place when older ones are put on top, and asks for those when scrolled to the top.
 */
export function MessageScroller({
  label,
  count,
  firstKey,
  onTop,
  children,
}: {
  label: string;
  count: number;
  firstKey: string | number | undefined;
  onTop?: () => void;
  children: ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef({ firstKey, height: 0 });

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (previous.current.firstKey !== firstKey && previous.current.height && !atBottom.current) {
      // Older messages went on top: keep what the reader was looking at in place.
      element.scrollTop += element.scrollHeight - previous.current.height;
    } else if (atBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
    previous.current = { firstKey, height: element.scrollHeight };
  }, [count, firstKey]);

  return (
    <div
      ref={scroller}
      // A scrolling region reachable by keyboard, so its messages can be read without a mouse.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      role="region"
      aria-label={label}
      className="min-h-0 flex-1 overflow-y-auto overscroll-contain px-3 py-3"
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        if (element.scrollTop < 24) onTop?.();
      }}
    >
      {children}
    </div>
  );
}
