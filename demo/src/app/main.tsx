import { PulseProvider } from '@pulse/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { collectorOrigin } from './collectorOrigin.js';
import { Layout } from './Layout.js';
import { Chat } from './pages/Chat.js';
import { Deals } from './pages/Deals.js';
import { Home } from './pages/Home.js';
import { Product } from './pages/Product.js';

/** Each route names its template in `handle`, which the layout reports to Pulse. */
const router = createBrowserRouter([
  {
    path: '/',
    Component: Layout,
    children: [
      { index: true, Component: Home, handle: { route: '/' } },
      { path: 'products/:id', Component: Product, handle: { route: '/products/:id' } },
      { path: 'slow', Component: Deals, handle: { route: '/slow' } },
      { path: 'chat', Component: Chat, handle: { route: '/chat' } },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PulseProvider config={{ app: 'demo-shop', collector: collectorOrigin, release: '0.1.0' }}>
      <RouterProvider router={router} />
    </PulseProvider>
  </StrictMode>,
);
