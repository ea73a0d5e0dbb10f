import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, User } from '@/lib/api-types';
import { USER_QUERY_KEY } from './get-user';

export type ProfileInput = ApiBody<'/api/v1/users/me', 'patch'>;

export async function updateProfile(input: ProfileInput): Promise<User> {
  const { data } = await api.patch<User>('/users/me', input);
  return data;
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateProfile, onSuccess: (user) => queryClient.setQueryData(USER_QUERY_KEY, user) });
}
