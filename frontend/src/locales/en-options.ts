/** English texts of a product's choices (variants and modifiers), loaded with the product and cart pages. */
export const enOptions = {
  product: {
    variantLegend: { size: 'Size', format: 'Format', other: 'Choose' },
    chooseOne: 'choose one',
    chooseOneOptional: 'optional, one',
    chooseAny: 'optional',
    chooseUpTo_one: 'up to {{count}}',
    chooseUpTo_other: 'up to {{count}}',
    chooseAtLeast_one: 'at least {{count}}',
    chooseAtLeast_other: 'at least {{count}}',
    chooseBetween: '{{least}} to {{most}}',
    needMore_one: 'Choose at least {{count}} in {{group}}.',
    needMore_other: 'Choose at least {{count}} in {{group}}.',
    tooMany_one: 'Choose at most {{count}} in {{group}}.',
    tooMany_other: 'Choose at most {{count}} in {{group}}.',
    outAt: 'Out at {{stores}}',
    optionsOutHere_one: '{{names}} is out here',
    optionsOutHere_other: '{{names}} are out here',
  },
  cart: {
    addShort: 'Add',
    addVariant: 'Add {{name}} to cart, {{price}}',
  },
};

// Every English key, with any text; extra keys are allowed for other languages' plural forms (_few, _many).
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> } & { [extra: string]: unknown };
export type OptionsTranslation = Widen<typeof enOptions>;
