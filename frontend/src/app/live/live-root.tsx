import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { paths } from '@/config/paths';
import { isStaff } from '@/features/auth/roles';
import { attachChat, resetChat } from '@/features/support/chat-store';
import { ChatPanel } from '@/features/support/components/chat-panel';
import type { User } from '@/lib/api-types';
import { live, type ServerFrame } from '@/lib/live-socket';
import { notify } from '@/lib/notices';

/**
 * What a signed-in tab runs live (loaded only once someone signs in): the one socket, the
 * customer's chat panel, and order events that refresh what the pages show.
 */
export function LiveRoot({ user }: { user: User }) {
  const staff = isStaff(user);
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();

  useEffect(() => {
    const detachChat = staff ? undefined : attachChat();
    const offFrames = live.onFrame((frame: ServerFrame) => {
      if (frame.type === 'auth_ok' && live.generation > 1) {
        // Events of the time offline are not replayed: what the pages show is read again.
        void queryClient.invalidateQueries({ queryKey: ['orders'] });
      }
      if (frame.type !== 'order') return;
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      const order = frame.order;
      if (order.user_id === user.id && order.status === 'ready' && frame.from_status !== 'ready') {
        const t = i18n.t.bind(i18n);
        notify({ tone: 'success', sticky: true, text: t('live.orderReady', { number: order.number }), action: { label: t('live.viewOrder'), to: paths.order(order.id) } });
        if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
          new Notification(t('live.orderReadyTitle', { number: order.number }), { body: t('live.orderReadyBody', { store: order.store.name }), tag: `order-${order.id}` });
        }
      }
    });
    live.start();
    return () => {
      offFrames();
      detachChat?.();
      live.stop();
      resetChat();
    };
  }, [user.id, staff, queryClient, i18n]);

  return staff ? null : <ChatPanel />;
}
