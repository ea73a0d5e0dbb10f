import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPrice } from '@/lib/format';
import { toCents } from '@/lib/money';
import { choiceProblems, groupFull, groupLimits, toggleModifier, type Choice, type ModifierGroup, type ProductOptions, type Variant } from '../configuration';

type ProductOptionsProps = {
  product: ProductOptions & { currency: string };
  choice: Choice;
  onChange: (choice: Choice) => void;
  /** Store names by id, for "Out at Dock Street". */
  storeNames: ReadonlyMap<number, string>;
  /** Shown at the end of a variant's row (the product page's "Add" of that variant). */
  variantAction?: (variant: Variant) => ReactNode;
  /** Group problems are shown once the customer tried to add (or at once, in the cart). */
  showProblems?: boolean;
};

// A choice's box: marked when chosen, dimmed when it cannot be chosen now (the classes the checkout's choices use).
const option = (checked: boolean, disabled = false) =>
  `flex min-h-11 flex-1 items-center gap-3 rounded-xl border px-3 py-2 ${checked ? 'border-brand bg-brand-soft' : 'border-line bg-surface'} ${disabled ? 'cursor-not-allowed opacity-80' : 'cursor-pointer hover:border-line-strong'}`;

/**
 * What a customer chooses for a product (issue 24): the variant as a radio group, each modifier
 * group as radios (single) or checkboxes (multiple) with its limits said in its legend's hint.
 * Fieldsets with legends, real inputs: arrow keys move within a radio group, Space ticks a box.
 */
export function ProductOptionsForm({ product, choice, onChange, storeNames, variantAction, showProblems = true }: ProductOptionsProps) {
  const { t, i18n } = useTranslation();
  const name = useId();
  const money = (amount: string) => formatPrice(amount, product.currency, i18n.language);
  const delta = (amount: string) => {
    const cents = toCents(amount);
    if (cents === 0) return '';
    return `${cents > 0 ? '+' : '−'}${money((Math.abs(cents) / 100).toFixed(2))}`;
  };
  const problems = new Map(choiceProblems(product, choice).map((problem) => [problem.groupId, problem]));
  const variants = product.variants;
  return (
    <div className="flex flex-col gap-4">
      {variants.length > 1 ? (
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-2 font-semibold text-ink">{variantLegend(variants, t)}</legend>
          {variants.map((variant) => (
            <div key={variant.id} className="flex items-stretch gap-2">
              <label className={option(choice.variantId === variant.id)}>
                <input
                  type="radio"
                  name={`${name}-variant`}
                  value={variant.id}
                  checked={choice.variantId === variant.id}
                  onChange={() => onChange({ ...choice, variantId: variant.id })}
                  className="size-5 shrink-0 accent-brand"
                />
                <span className="flex-1 text-ink">{variant.name}</span>
                <span className="tabular-nums text-ink-muted">{money(variant.price)}</span>
              </label>
              {variantAction?.(variant)}
            </div>
          ))}
        </fieldset>
      ) : null}
      {product.modifier_groups.map((group) => (
        <ModifierFieldset
          key={group.id}
          group={group}
          name={`${name}-group-${group.id}`}
          choice={choice}
          onToggle={(modifierId) => onChange(toggleModifier(product, choice, modifierId))}
          problem={showProblems ? problems.get(group.id) : undefined}
          delta={delta}
          storeNames={storeNames}
        />
      ))}
    </div>
  );
}

function variantLegend(variants: Variant[], t: (key: string) => string): string {
  // Variants described by one shared attribute ("size", "format") take its name as the legend.
  const keys = new Set(variants.flatMap((variant) => Object.keys(variant.attributes)));
  const [only] = keys;
  if (keys.size === 1 && only && ['size', 'format'].includes(only)) return t(`product.variantLegend.${only}`);
  return t('product.variantLegend.other');
}

function ModifierFieldset({
  group,
  name,
  choice,
  onToggle,
  problem,
  delta,
  storeNames,
}: {
  group: ModifierGroup;
  name: string;
  choice: Choice;
  onToggle: (modifierId: number) => void;
  problem: ReturnType<typeof choiceProblems>[number] | undefined;
  delta: (amount: string) => string;
  storeNames: ReadonlyMap<number, string>;
}) {
  const { t } = useTranslation();
  const hintId = useId();
  const problemId = useId();
  const { least, most } = groupLimits(group);
  const single = group.kind === 'single';
  const full = groupFull(group, choice);
  const hint = single
    ? group.required
      ? t('product.chooseOne')
      : t('product.chooseOneOptional')
    : most === null
      ? least > 0
        ? t('product.chooseAtLeast', { count: least })
        : t('product.chooseAny')
      : least > 0
        ? t('product.chooseBetween', { least, most })
        : t('product.chooseUpTo', { count: most });
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={[hintId, problem ? problemId : ''].filter(Boolean).join(' ')}>
      <legend className="mb-2 font-semibold text-ink">
        {group.name} <span className="font-normal text-ink-muted">({hint})</span>
      </legend>
      <p id={hintId} className="sr-only">
        {hint}
      </p>
      <div className="grid gap-2 sm:grid-cols-2">
        {group.modifiers.map((modifier) => {
          const checked = choice.modifierIds.includes(modifier.id);
          const out = modifier.unavailable_store_ids.map((id) => storeNames.get(id)).filter((store): store is string => Boolean(store));
          return (
            <label key={modifier.id} className={option(checked, !single && full && !checked)}>
              <input
                type={single ? 'radio' : 'checkbox'}
                name={name}
                value={modifier.id}
                checked={checked}
                disabled={!single && full && !checked}
                onChange={() => onToggle(modifier.id)}
                // A single group that is not required can be cleared by choosing its option again.
                onClick={single && checked && !group.required ? () => onToggle(modifier.id) : undefined}
                className="size-5 shrink-0 accent-brand"
              />
              <span className="flex flex-1 flex-col">
                <span className="text-ink">{modifier.name}</span>
                {out.length ? <span className="text-sm text-ink-muted">{t('product.outAt', { stores: out.join(', ') })}</span> : null}
              </span>
              {delta(modifier.price_delta) ? <span className="tabular-nums text-ink-muted">{delta(modifier.price_delta)}</span> : null}
            </label>
          );
        })}
      </div>
      {problem ? (
        <p id={problemId} role="alert" className="text-sm font-semibold text-danger">
          {problem.kind === 'least' ? t('product.needMore', { count: problem.count, group: group.name }) : t('product.tooMany', { count: problem.count, group: group.name })}
        </p>
      ) : null}
    </fieldset>
  );
}
