import { usePulseRoute } from '@pulse/react';
import { NavLink, Outlet, useMatches } from 'react-router';
import { collectorOrigin } from './collectorOrigin.js';
import { LiveFeed } from './panels/LiveFeed.js';
import { NetworkControls } from './panels/NetworkControls.js';
import { SocketPanel } from './panels/SocketPanel.js';
import { VitalsPanel } from './panels/VitalsPanel.js';

/** The route template of the deepest match, from the route's `handle`. */
function useRouteTemplate(): string | undefined {
  const handle = useMatches().at(-1)?.handle as { route?: string } | undefined;
  return handle?.route;
}

export function Layout() {
  usePulseRoute(useRouteTemplate());
  return (
    <>
      <header>
        <strong>Pulse demo shop</strong>
        <nav>
          <NavLink to="/" end>
            Home
          </NavLink>
          <NavLink to="/slow">
            Deals<span className="badge">slow</span>
          </NavLink>
          <NavLink to="/chat">Chat</NavLink>
        </nav>
        <a href={`${collectorOrigin}/`} target="_blank" rel="noreferrer">
          Open the dashboard ↗
        </a>
      </header>
      <div className="layout">
        <main>
          <Outlet />
        </main>
        <aside>
          <VitalsPanel />
          <SocketPanel />
          <NetworkControls />
          <LiveFeed />
        </aside>
      </div>
    </>
  );
}
