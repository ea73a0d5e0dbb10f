/**
 * The tags the server put in the first page's <head> for crawlers and link previews
 * (backend/app/seo), marked `data-page-meta`.
 */

/** Drops the server's <title> and description: each page renders its own (components/seo.tsx). */
export function forgetServerTitle(head: HTMLHeadElement = document.head): void {
  head.querySelectorAll('title[data-page-meta], meta[name="description"][data-page-meta]').forEach((tag) => tag.remove());
}

/** Drops the rest (canonical URL, alternates, Open Graph, JSON-LD) once another page shows. */
export function forgetFirstPageMeta(head: HTMLHeadElement = document.head): void {
  head.querySelectorAll('[data-page-meta]').forEach((tag) => tag.remove());
}
