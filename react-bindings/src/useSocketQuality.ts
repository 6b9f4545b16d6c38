'use client';

import { useEffect, useState } from 'react';
import type { ProbeUpdate, SocketTransport } from '@pulse/sdk';
import { connectionScore } from '@pulse/sdk/score';
import { monitorSocket } from '@pulse/sdk/socket.io';
import { inertClient } from './inertClient.js';
import { usePulse } from './usePulse.js';

/** The socket.io client socket `monitorSocket` accepts. */
export type MonitoredSocket = Parameters<typeof monitorSocket>[1];

/** Options of `useSocketQuality`, passed on to `monitorSocket`. */
export interface SocketQualityOptions {
  /** Probe interval in ms, also the most often the hook re-renders. Default 2000. */
  interval?: number;
  /** A probe not acked within this many ms counts as lost. SDK default when absent. */
  timeout?: number;
}

/** Live connection quality of a socket. */
export interface SocketQuality {
  /** Smoothed round-trip time, ms. */
  rtt: number;
  /** RTT of the latest probe in ms, null if it was lost. */
  lastRtt: number | null;
  /** RFC 3550 interarrival jitter of RTT, ms. */
  jitter: number;
  /** Share of probes lost, 0..1. */
  loss: number;
  /** Connection quality score 0..100 (`connectionScore` of `@pulse/sdk/score`). */
  score: number;
  /** Estimated mean opinion score, 1..4.5. */
  mos: number;
  /** The socket's current transport. */
  transport: SocketTransport;
}

/** Probe interval `monitorSocket` uses by default (SPEC: every 2 s). */
const DEFAULT_INTERVAL_MS = 2000;

const toQuality = (probe: ProbeUpdate): SocketQuality => {
  const { score, mos } = connectionScore({
    rtt: probe.srtt,
    jitter: probe.jitter,
    loss: probe.loss,
  });
  const { srtt: rtt, rtt: lastRtt, jitter, loss, transport } = probe;
  return { rtt, lastRtt, jitter, loss, score, mos, transport };
};

/**
 * Monitors `socket` while the component is mounted (starting `monitorSocket` on mount, stopping
 * it on unmount or when `socket` changes) and returns its live quality, undefined until the first
 * probe; after monitoring stops, the last reading stays. Re-renders at most once per probe
 * interval however fast updates arrive. Probe updates carry no socket identity, so use it for
 * one socket per provider.
 */
export function useSocketQuality(
  socket: MonitoredSocket | null | undefined,
  options: SocketQualityOptions = {},
): SocketQuality | undefined {
  const client = usePulse();
  const interval = options.interval ?? DEFAULT_INTERVAL_MS;
  const { timeout } = options;
  const [quality, setQuality] = useState<SocketQuality>();

  useEffect(() => {
    // Without a real client nobody would see the probes' results: don't send them.
    if (!socket || client === inertClient) return;
    let latest: ProbeUpdate | undefined;
    let lastPublished = -Infinity;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const publish = (): void => {
      timer = undefined;
      lastPublished = Date.now();
      if (latest) setQuality(toQuality(latest));
    };
    const unsubscribe = client.onMetric((update) => {
      if (update.k !== 'probe') return;
      latest = update;
      if (timer !== undefined) return;
      const wait = lastPublished + interval - Date.now();
      if (wait <= 0) publish();
      else timer = setTimeout(publish, wait);
    });
    const stop = monitorSocket(
      client,
      socket,
      timeout === undefined ? { interval } : { interval, timeout },
    );
    return () => {
      unsubscribe();
      stop();
      // Monitoring ends (socket replaced or gone): show the last reading rather than drop it.
      if (timer !== undefined) {
        clearTimeout(timer);
        publish();
      }
    };
  }, [client, socket, interval, timeout]);

  return quality;
}
