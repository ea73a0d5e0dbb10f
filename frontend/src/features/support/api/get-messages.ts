import { api } from '@/lib/api-client';
import type { MessagePage } from '@/lib/api-types';

export type MessagesQuery = { id__lte?: number; id__gte?: number; sort?: 'id' | '-id'; page_size?: number; page?: number };

/** Messages of a conversation (the chat's older ones, or a gap after a reconnect). */
export async function getMessages(conversationId: number, query: MessagesQuery, signal?: AbortSignal): Promise<MessagePage> {
  const { data } = await api.get<MessagePage>(`/support/conversations/${conversationId}/messages`, { params: { page_size: 50, ...query }, signal });
  return data;
}
