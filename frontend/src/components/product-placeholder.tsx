// The shop's colours, one per product by id, so a product keeps its colour everywhere.
const PALETTES = [
  'from-[#6b3f24] to-[#a0673f] text-[#fff6ea]',
  'from-[#1f6f68] to-[#3f9c8f] text-[#effaf8]',
  'from-[#2f3a56] to-[#56658c] text-[#eef1fa]',
  'from-[#7a2e3b] to-[#b4566a] text-[#fff0f2]',
  'from-[#4a5a2a] to-[#7d9150] text-[#f6f9ec]',
  'from-[#5b4a7a] to-[#8a78ad] text-[#f5f1fc]',
];

/** Up to two letters: the first of the name's first two words ("Walnut Tamper" -> "WT"). */
export function initials(name: string): string {
  const words = name.split(/\s+/).filter((word) => /^[\p{L}\p{N}]/u.test(word));
  return words
    .slice(0, 2)
    .map((word) => word[0])
    .join('')
    .toUpperCase();
}

/**
 * What stands in for a product's picture while it has none: its initials on one of the shop's
 * colours, in whatever frame the caller gives (`className` sets the size), never an empty box.
 * Only the initials, so a card does not show the name twice.
 */
export function ProductPlaceholder({ product, className = '', size = 'large' }: { product: { id: number; name: string }; className?: string; size?: 'large' | 'small' }) {
  const palette = PALETTES[Math.abs(product.id) % PALETTES.length];
  return (
    <div role="img" aria-label={product.name} className={`flex items-center justify-center overflow-hidden bg-gradient-to-br ${palette} ${className}`}>
      <span aria-hidden="true" className={`font-display leading-none ${size === 'large' ? 'text-6xl' : 'text-xl'}`}>
        {initials(product.name)}
      </span>
    </div>
  );
}
