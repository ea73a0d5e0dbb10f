"""What search engines and link previews read: each page's title, description, canonical URL,
language alternates, Open Graph tags and JSON-LD in the raw HTML, the sitemap and robots.txt."""
