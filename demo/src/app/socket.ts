import { io } from 'socket.io-client';

/**
 * The one socket of the app, to the demo server (same origin): the chat and the live feed run on
 * it, and Pulse measures its quality with probes on it.
 */
export const socket = io();
