import { useEffect, useState } from 'react';
import { socket } from '../socket.js';

interface Order {
  id: number;
  text: string;
}

/** The latest made-up orders the server pushes every two seconds. */
export function LiveFeed() {
  const [orders, setOrders] = useState<Order[]>([]);
  useEffect(() => {
    const onOrder = (order: Order) => setOrders((previous) => [order, ...previous].slice(0, 5));
    socket.on('feed:order', onOrder);
    return () => {
      socket.off('feed:order', onOrder);
    };
  }, []);
  return (
    <section aria-labelledby="feed-title">
      <h2 id="feed-title">Live orders</h2>
      <ul className="feed">
        {orders.map((order) => (
          <li key={order.id}>{order.text}</li>
        ))}
      </ul>
    </section>
  );
}
