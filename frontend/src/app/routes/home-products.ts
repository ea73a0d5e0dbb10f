/** The home page's selection of products: the newest eight (shared with the first-page preload). */
export const HOME_PRODUCTS = { sort: '-created_at', page_size: 8 };
