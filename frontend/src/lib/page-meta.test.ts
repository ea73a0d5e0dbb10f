import { describe, expect, it } from 'vitest';
import { forgetFirstPageMeta, forgetServerTitle } from './page-meta';

function headWithServerTags(): HTMLHeadElement {
  const head = document.createElement('head');
  head.innerHTML = [
    '<meta charset="UTF-8">',
    '<title data-page-meta>Atlas · The Shop</title>',
    '<meta name="description" content="A book" data-page-meta>',
    '<link rel="canonical" href="https://shop.example/products/atlas" data-page-meta>',
    '<meta property="og:title" content="Atlas · The Shop" data-page-meta>',
    '<script type="application/ld+json" data-page-meta>{}</script>',
    '<link rel="manifest" href="/manifest.webmanifest">',
  ].join('');
  return head;
}

describe('the server\'s page meta', () => {
  it('gives way to the title and description the page renders itself', () => {
    const head = headWithServerTags();
    forgetServerTitle(head);
    expect(head.querySelector('title')).toBeNull();
    expect(head.querySelector('meta[name="description"]')).toBeNull();
    expect(head.querySelector('link[rel="canonical"]')).not.toBeNull();
  });

  it('is gone once another page shows, and the page\'s own tags stay', () => {
    const head = headWithServerTags();
    forgetFirstPageMeta(head);
    expect(head.querySelectorAll('[data-page-meta]')).toHaveLength(0);
    expect(head.querySelector('link[rel="manifest"]')).not.toBeNull();
    expect(head.querySelector('meta[charset]')).not.toBeNull();
  });
});
