import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Conversation, ConversationPage } from '@/lib/api-types';

/** The console's filters, as the list query language says them. */
export type ConversationFilter = 'open' | 'mine' | 'unassigned' | 'closed';
export type ConversationsQuery = { filter: ConversationFilter; q: string; me: number };

function params({ filter, q, me }: ConversationsQuery): Record<string, string | number> {
  const base: Record<string, string | number> = { page_size: 50, ...(q ? { q } : {}) };
  if (filter === 'closed') return { ...base, status: 'closed' };
  if (filter === 'mine') return { ...base, status: 'open', assigned_to_id: me };
  if (filter === 'unassigned') return { ...base, status: 'open', assigned: 'false' };
  return { ...base, status: 'open' };
}

export async function getConversations(query: ConversationsQuery, signal?: AbortSignal): Promise<ConversationPage> {
  const { data } = await api.get<ConversationPage>('/support/conversations', { params: params(query), signal });
  return data;
}

export const conversationsQueryOptions = (query: ConversationsQuery) =>
  queryOptions({ queryKey: ['support', 'conversations', query], queryFn: ({ signal }) => getConversations(query, signal), meta: { private: true } });

export function useConversations(query: ConversationsQuery) {
  return useQuery({ ...conversationsQueryOptions(query), placeholderData: keepPreviousData });
}

/** One conversation, read from the list endpoint by id (staff). */
export async function getConversation(id: number, signal?: AbortSignal): Promise<Conversation | null> {
  const { data } = await api.get<ConversationPage>('/support/conversations', { params: { id }, signal });
  return data.items[0] ?? null;
}
