import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { orderQueryOptions } from '@/features/orders/api/get-order';
import { attachChat, resetChat } from '@/features/support/chat-store';
import { ChatPanel } from '@/features/support/components/chat-panel';
import { live, type ServerFrame } from '@/lib/live-socket';

/**
 * A guest's order page, live (no sign-in): the tab's socket opened with the order's key
 * (subprotocol `order-key.{key}`) brings this order's events, each one reading the order again,
 * and the guest's chat about it ("Ask about this order"). A reconnection reads the order again
 * too (events of the time offline are not replayed); the chat resyncs from its history frame.
 * Signed-in customers have LiveRoot instead.
 */
export function GuestLive({ orderId, orderKey }: { orderId: number; orderKey: string }) {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (typeof WebSocket === 'undefined') return;
    const refresh = () => void queryClient.invalidateQueries({ queryKey: orderQueryOptions(orderId).queryKey });
    // Attached before the socket starts: its first history frame is the chat's.
    const detachChat = attachChat();
    let connections = 0;
    const offFrames = live.onFrame((frame: ServerFrame) => {
      if (frame.type === 'auth_ok' && ++connections > 1) refresh();
      if (frame.type === 'order' && frame.order.id === orderId) refresh();
    });
    live.startGuest(orderKey);
    return () => {
      offFrames();
      detachChat();
      live.stop();
      resetChat();
    };
  }, [orderId, orderKey, queryClient]);

  return <ChatPanel />;
}
