import type { OptionsTranslation } from './en-options';

/** Russian texts of a product's choices: every key of en-options.ts (plural forms as Russian needs them). */
export const ruOptions: OptionsTranslation = {
  product: {
    variantLegend: { size: 'Размер', format: 'Формат', other: 'Выберите' },
    chooseOne: 'выберите одно',
    chooseOneOptional: 'по желанию, одно',
    chooseAny: 'по желанию',
    chooseUpTo_one: 'не больше {{count}}',
    chooseUpTo_few: 'не больше {{count}}',
    chooseUpTo_many: 'не больше {{count}}',
    chooseUpTo_other: 'не больше {{count}}',
    chooseAtLeast_one: 'не меньше {{count}}',
    chooseAtLeast_few: 'не меньше {{count}}',
    chooseAtLeast_many: 'не меньше {{count}}',
    chooseAtLeast_other: 'не меньше {{count}}',
    chooseBetween: 'от {{least}} до {{most}}',
    needMore_one: 'Выберите хотя бы {{count}} в группе «{{group}}».',
    needMore_few: 'Выберите хотя бы {{count}} в группе «{{group}}».',
    needMore_many: 'Выберите хотя бы {{count}} в группе «{{group}}».',
    needMore_other: 'Выберите хотя бы {{count}} в группе «{{group}}».',
    tooMany_one: 'Выберите не больше {{count}} в группе «{{group}}».',
    tooMany_few: 'Выберите не больше {{count}} в группе «{{group}}».',
    tooMany_many: 'Выберите не больше {{count}} в группе «{{group}}».',
    tooMany_other: 'Выберите не больше {{count}} в группе «{{group}}».',
    outAt: 'Нет в магазине: {{stores}}',
    optionsOutHere_one: 'Здесь нет: {{names}}',
    optionsOutHere_few: 'Здесь нет: {{names}}',
    optionsOutHere_many: 'Здесь нет: {{names}}',
    optionsOutHere_other: 'Здесь нет: {{names}}',
  },
  cart: {
    addShort: 'Добавить',
    addVariant: 'Добавить {{name}} в корзину, {{price}}',
  },
};
