import type { paths } from '@/api/schema';

/**
 * Request and response types by path and method, from the generated OpenAPI types
 * (src/api/schema.ts). Paths are the stable part of the contract; schema names may change.
 */
export type ApiPaths = paths;
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON of the success answer (200, else 201). */
export type ApiResponse<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { responses: infer R } ? (R extends { 200: infer Ok } ? Json<Ok> : R extends { 201: infer Created } ? Json<Created> : never) : never;

/** The JSON request body. */
export type ApiBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

export type Product = ApiResponse<'/api/v1/products/{product_id}', 'get'>;
export type ProductImage = Product['images'][number];
export type Category = ApiResponse<'/api/v1/categories/{category_id}', 'get'>;
export type Store = ApiResponse<'/api/v1/stores/{store_id}', 'get'>;
export type ShopInfo = ApiResponse<'/api/v1/info', 'get'>;
export type User = ApiResponse<'/api/v1/users/me', 'get'>;
