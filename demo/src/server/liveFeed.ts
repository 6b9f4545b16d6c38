import type { Server } from 'socket.io';

/** A chat message as the demo's clients send and receive it. */
export interface ChatMessage {
  id: number;
  author: string;
  text: string;
  at: number;
}

const SHOPPERS = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Radia'];
const PRODUCTS = ['ceramic mug', 'linen apron', 'oak board', 'tea tin', 'copper kettle'];
const HISTORY = 30;

/**
 * The demo's realtime side: a chat room (`chat:send` with an ack, `chat:message` to everyone,
 * `chat:history` acked with the last messages) and a live feed of made-up orders every two seconds, so the
 * socket carries application traffic besides Pulse's probes.
 */
export function liveFeed(io: Server): () => void {
  const history: ChatMessage[] = [];
  let nextId = 1;
  io.on('connection', (socket) => {
    socket.on('chat:history', (ack: unknown) => {
      if (typeof ack === 'function') ack(history);
    });
    socket.on('chat:send', (body: unknown, ack: unknown) => {
      const text =
        typeof (body as { text?: unknown })?.text === 'string'
          ? (body as { text: string }).text
          : '';
      const author =
        typeof (body as { author?: unknown })?.author === 'string'
          ? (body as { author: string }).author
          : 'guest';
      if (text.trim() === '') return;
      const message = {
        id: nextId++,
        author: author.slice(0, 24),
        text: text.slice(0, 280),
        at: Date.now(),
      };
      history.push(message);
      if (history.length > HISTORY) history.shift();
      io.emit('chat:message', message);
      if (typeof ack === 'function') ack(message.id);
    });
  });
  let order = 0;
  const timer = setInterval(() => {
    order++;
    const who = SHOPPERS[order % SHOPPERS.length];
    const what = PRODUCTS[(order * 7) % PRODUCTS.length];
    io.emit('feed:order', { id: order, text: `${who} bought a ${what}`, at: Date.now() });
  }, 2000);
  return () => clearInterval(timer);
}
