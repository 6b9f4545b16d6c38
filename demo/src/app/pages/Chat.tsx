import { PulseProfiler } from '@pulse/react';
import { useEffect, useState, type FormEvent } from 'react';
import { socket } from '../socket.js';

interface ChatMessage {
  id: number;
  author: string;
  text: string;
}

const NAME = `guest-${Math.floor(Math.random() * 900 + 100)}`;

/** A chat room on the socket: degrade the network and watch messages lag. */
export function Chat() {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [draft, setDraft] = useState('');
  const [pending, setPending] = useState(0);
  useEffect(() => {
    const onMessage = (message: ChatMessage) =>
      setMessages((previous) => [...previous, message].slice(-50));
    socket.on('chat:message', onMessage);
    socket.emit('chat:history', (history: ChatMessage[]) => setMessages(history));
    return () => {
      socket.off('chat:message', onMessage);
    };
  }, []);
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === '') return;
    setPending((count) => count + 1);
    socket
      .timeout(5000)
      .emit('chat:send', { author: NAME, text: draft }, () => setPending((count) => count - 1));
    setDraft('');
  };
  return (
    <div className="chat">
      <h1>Shop chat</h1>
      <PulseProfiler id="chat-messages">
        <ol aria-label="Messages">
          {messages.map((message) => (
            <li key={message.id}>
              <strong>{message.author}</strong> {message.text}
            </li>
          ))}
        </ol>
      </PulseProfiler>
      <form onSubmit={send}>
        <input
          aria-label="Message"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit">Send</button>
      </form>
      {pending > 0 && <p role="status">Sending {pending}…</p>}
    </div>
  );
}
