import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { backoffDelay, type ServerFrame } from '@/lib/live-socket';
import { orderQueryOptions } from './api/get-order';

const SOCKET_PATH = '/api/v1/support/ws';

/**
 * A guest's order page, live: the support socket opened with the order's key (subprotocol
 * `order-key.{key}`) brings this order's events; each one reads the order again. Reconnects
 * with backoff; a reconnection reads it again too (events of the time offline are not replayed).
 * Signed-in customers have the tab's own socket (LiveRoot) instead.
 */
export function useGuestOrderLive(orderId: number, key: string | null): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!key || typeof WebSocket === 'undefined') return;
    let socket: WebSocket | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const refresh = () => void queryClient.invalidateQueries({ queryKey: orderQueryOptions(orderId).queryKey });
    const open = () => {
      const { protocol, host } = window.location;
      socket = new WebSocket(`${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${SOCKET_PATH}`, ['shop-support', `order-key.${key}`]);
      socket.onopen = () => {
        if (attempt > 0) refresh();
        attempt = 0;
      };
      socket.onmessage = (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        try {
          const frame = JSON.parse(event.data) as ServerFrame;
          if (frame.type === 'order' && frame.order.id === orderId) refresh();
        } catch {
          // not a frame of ours
        }
      };
      socket.onclose = (event) => {
        socket = null;
        // 1008: the key no longer opens the order (revoked); the page's next read says so.
        if (stopped || event.code === 1008) return;
        timer = setTimeout(open, backoffDelay(attempt));
        attempt += 1;
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close(1000, 'left the page');
    };
  }, [orderId, key, queryClient]);
}
