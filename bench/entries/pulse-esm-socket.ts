// Pulse plus its socket.io monitor through the ESM entries. The app brings its own socket.io-client,
// so the bundle takes the socket from the page rather than importing socket.io-client.
import { init } from '@pulse/sdk';
import { monitorSocket } from '@pulse/sdk/socket.io';
import type { Socket } from 'socket.io-client';

const pulse = init({ app: 'shop', collector: 'https://rum.example.com', release: '1.4.2' });
const { socket } = window as unknown as { socket: Socket };
monitorSocket(pulse, socket);
