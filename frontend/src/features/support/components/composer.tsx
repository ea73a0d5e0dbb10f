import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';

// The server counts bytes (SUPPORT_MESSAGE_MAX_BYTES, 4096 by default); a character is at most four.
export const MESSAGE_MAX_CHARS = 4096;

/** The message box: Enter sends, Shift+Enter starts a new line; typing is reported as it happens. */
export function Composer({
  onSend,
  onTyping,
  disabled = false,
  label,
  initial = '',
  onDraft,
}: {
  onSend: (text: string) => void;
  onTyping?: () => void;
  disabled?: boolean;
  label?: string;
  initial?: string;
  onDraft?: (text: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState(initial);
  const change = (value: string) => {
    setText(value);
    onDraft?.(value);
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim() || disabled) return;
    onSend(text);
    change('');
  };
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-t border-line p-3">
      <label htmlFor={id} className="sr-only">
        {label ?? t('chat.yourMessage')}
      </label>
      <textarea
        id={id}
        rows={2}
        value={text}
        maxLength={MESSAGE_MAX_CHARS}
        disabled={disabled}
        placeholder={t('chat.placeholder')}
        onChange={(event) => {
          change(event.target.value);
          if (event.target.value) onTyping?.();
        }}
        onKeyDown={keyDown}
        className="min-h-11 flex-1 resize-none rounded-xl border border-line-strong bg-surface px-3 py-2 text-ink placeholder:text-ink-faint focus:border-accent disabled:opacity-60"
      />
      <Button type="submit" disabled={disabled || !text.trim()} className="px-4">
        {t('chat.send')}
      </Button>
    </form>
  );
}
