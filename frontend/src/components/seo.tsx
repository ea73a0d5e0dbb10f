import { createContext, useContext } from 'react';

export const ShopNameContext = createContext('');

/** The page's <title> and description (React hoists them into <head>). */
export function Seo({ title, description }: { title?: string; description?: string }) {
  const shopName = useContext(ShopNameContext);
  const full = title ? (shopName ? `${title} · ${shopName}` : title) : shopName;
  return (
    <>
      <title>{full}</title>
      {description ? <meta name="description" content={description} /> : null}
    </>
  );
}
