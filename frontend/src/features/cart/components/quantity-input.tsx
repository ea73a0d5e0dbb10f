import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

type QuantityInputProps = {
  value: number;
  onChange: (quantity: number) => void;
  label: string;
  max: number;
  disabled?: boolean;
  /** Hide the label visually (the line's name says what it is for). */
  hideLabel?: boolean;
};

/** − [n] +: the buttons change at once, typing takes effect when the field is left or Enter is pressed. */
export function QuantityInput({ value, onChange, label, max, disabled = false, hideLabel = false }: QuantityInputProps) {
  const { t } = useTranslation();
  const id = useId();
  // What is being typed; null shows the value itself.
  const [draft, setDraft] = useState<string | null>(null);

  const commit = () => {
    if (draft === null) return;
    const parsed = Number.parseInt(draft, 10);
    const next = Number.isFinite(parsed) ? Math.max(1, Math.min(max, parsed)) : value;
    setDraft(null);
    if (next !== value) onChange(next);
  };
  const step = 'inline-flex size-11 items-center justify-center text-lg font-semibold text-ink hover:bg-surface-muted disabled:cursor-not-allowed disabled:opacity-40';
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'text-sm font-medium text-ink'}>
        {label}
      </label>
      <div className="inline-flex w-fit items-center overflow-hidden rounded-full border border-line-strong bg-surface">
        <button type="button" className={step} disabled={disabled || value <= 1} onClick={() => onChange(value - 1)} aria-label={t('cart.decrease', { name: label })}>
          <span aria-hidden="true">−</span>
        </button>
        <input
          id={id}
          type="text"
          inputMode="numeric"
          pattern="[0-9]*"
          value={draft ?? String(value)}
          disabled={disabled}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              commit();
            }
          }}
          className="h-11 w-14 border-x border-line bg-transparent text-center text-base tabular-nums text-ink"
        />
        <button type="button" className={step} disabled={disabled || value >= max} onClick={() => onChange(value + 1)} aria-label={t('cart.increase', { name: label })}>
          <span aria-hidden="true">+</span>
        </button>
      </div>
    </div>
  );
}
