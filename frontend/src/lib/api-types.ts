import type { components, paths } from '@/api/schema';

/** Shorthands for the generated schema types (src/api/schema.ts). */
export type Schemas = components['schemas'];
export type ApiPaths = paths;
export type Product = Schemas['ProductRead'];
export type ProductImage = Schemas['ImageRead'];
export type Category = Schemas['CategoryRead'];
export type Store = Schemas['StoreRead'];
export type ShopInfo = Schemas['ShopInfo'];
export type User = Schemas['UserRead'];
export type JsonBody<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
