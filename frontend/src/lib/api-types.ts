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
export type Cart = ApiResponse<'/api/v1/cart', 'get'>;
export type CartLine = Cart['items'][number];
export type CartMergeResult = ApiResponse<'/api/v1/cart/merge', 'post'>;
export type CartAvailability = ApiResponse<'/api/v1/cart/availability', 'get'>;
export type StoreAvailability = CartAvailability['stores'][number];
export type OrderPage = ApiResponse<'/api/v1/orders', 'get'>;
export type OrderDetail = ApiResponse<'/api/v1/orders/{order_id}', 'get'>;
export type OrderStatus = OrderDetail['status'];
export type Account = ApiResponse<'/api/v1/accounts', 'get'>[number];
export type TransactionPage = ApiResponse<'/api/v1/accounts/{account_id}/transactions', 'get'>;
export type Transaction = TransactionPage['items'][number];
export type TopUp = ApiResponse<'/api/v1/accounts/{account_id}/top-ups/{top_up_id}', 'get'>;
export type Session = ApiResponse<'/api/v1/auth/sessions', 'get'>[number];
export type ConversationPage = ApiResponse<'/api/v1/support/conversations', 'get'>;
export type Conversation = ConversationPage['items'][number];
export type MessagePage = ApiResponse<'/api/v1/support/conversations/{conversation_id}/messages', 'get'>;
export type ChatMessage = MessagePage['items'][number];
export type OrderSummary = OrderPage['items'][number];
export type StoreList = ApiResponse<'/api/v1/stores', 'get'>;

/** How an order is paid: at the counter, from the balance, or by card at checkout. */
export type PaymentMethod = OrderDetail['payment_method'];
export type OrderRefund = OrderDetail['refunds'][number];
export type PlacedOrder = ApiResponse<'/api/v1/orders', 'post'>;

