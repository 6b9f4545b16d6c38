/**
 * The wire format between the browser SDK and the collector, defined once.
 *
 * The collector's JSON schema (collector/src/beacon/schema.ts) is checked against these types at
 * compile time, and docs/PROTOCOL.md documents them with examples that the tests replay.
 * Keys are short on purpose: every byte here is paid for in the SDK bundle and on the wire.
 * This module has no DOM and no runtime dependencies, so Node code may import it too.
 */

/**
 * Version of this format that the SDK sends. Version 2 made a page event's `tbt` absent where the
 * browser cannot measure it (version 1 sent 0) and added the envelope's `engine`.
 */
export const PROTOCOL_VERSION = 2;

/**
 * Versions a collector accepts: this one and those before it whose beacons this format still
 * describes (a version 1 beacon is a version 2 beacon without `engine`), so collectors can be
 * upgraded before the SDKs that send to them. Anything else is refused with `version`.
 */
export const ACCEPTED_PROTOCOL_VERSIONS = [1, PROTOCOL_VERSION] as const;
export type ProtocolVersion = (typeof ACCEPTED_PROTOCOL_VERSIONS)[number];

/**
 * App names (the `app` label of every series): a letter or digit, then up to 63 letters, digits,
 * `_`, `.`, `-`. The collector refuses beacons of other names (`schema`) and config files and
 * flags that name one (`--app`).
 */
export const APP_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

/** Rating buckets as defined by web-vitals thresholds. */
export type Rating = 'good' | 'needs-improvement' | 'poor';

/** The Core Web Vitals Pulse records. FID is retired by Chrome; INP replaces it. */
export type VitalName = 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB';

/**
 * How the page view started. `back-forward-cache` is a restore from the bfcache, `soft` an SPA
 * route change (history API or hash), the others follow PerformanceNavigationTiming.type.
 */
export type NavigationType =
  'navigate' | 'reload' | 'back-forward' | 'back-forward-cache' | 'prerender' | 'soft';

/** Device class from the viewport and pointer, not from the user agent string. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/**
 * Browser engine, from feature detection rather than the user agent: which metrics a page view
 * can carry depends on it (Firefox and WebKit have no Long Tasks API, Firefox ESR no INP), so
 * scores are compared within one engine.
 */
export type Engine = 'chromium' | 'firefox' | 'webkit' | 'other';

/** `navigator.connection.effectiveType`, where the browser exposes it. */
export type ConnectionType = 'slow-2g' | '2g' | '3g' | '4g';

/** Kinds of blocking work: Long Tasks API entries and Long Animation Frames. */
export type LongTaskKind = 'longtask' | 'loaf';

/** What may run a script in a long animation frame (`PerformanceScriptTiming.invokerType`). */
export const SCRIPT_INVOKER_TYPES = [
  'classic-script',
  'module-script',
  'event-listener',
  'user-callback',
  'resolve-promise',
  'reject-promise',
] as const;

/** A script's invoker on the wire: one of `SCRIPT_INVOKER_TYPES`, any other sent as `other`. */
export type ScriptInvoker = (typeof SCRIPT_INVOKER_TYPES)[number] | 'other';

/**
 * Characters a script's address may hold on the wire (a regular-expression character class):
 * what a browser leaves unescaped in a URL's origin and path, minus quotes, `?`, `#`, braces,
 * backslashes, whitespace and controls. The SDK percent-escapes anything else; the collector
 * refuses it, since the address becomes a label.
 */
export const SCRIPT_URL_CHARS = '\\w:/.~@!$&()*+,;=%\\[\\]|^-';

/** One script that ran in a long animation frame. */
export interface BlockingScript {
  /**
   * The script's origin and path, never its query or fragment, at most 200 characters; `inline`
   * for a script in the page itself.
   */
  u: string;
  i: ScriptInvoker;
  /** Duration in ms. */
  d: number;
}

/** Where a counted JavaScript error came from. */
export type ErrorKind = 'error' | 'rejection' | 'react';

/** socket.io transports. */
export type SocketTransport = 'websocket' | 'polling';

/** Reasons socket.io-client gives for a disconnect; anything else is sent as `other`. */
export type DisconnectReason =
  | 'io server disconnect'
  | 'io client disconnect'
  | 'ping timeout'
  | 'transport close'
  | 'transport error'
  | 'parse error'
  | 'other';

/** One final vital value of a page view. */
export interface VitalValue {
  /** Milliseconds for LCP, INP, FCP and TTFB; unitless score for CLS. */
  value: number;
  rating: Rating;
  /**
   * Compact attribution: a short CSS selector of the LCP element, the INP event target or the
   * largest layout-shift source. At most 100 characters.
   */
  target?: string;
  /**
   * INP only: the event type of the interaction whose handlers ran longest (`click`,
   * `pointerdown`, `keydown`...).
   */
  type?: string;
  /**
   * LCP and INP only: the value split into its phases, in ms. LCP: `[ttfb, loadDelay,
   * loadDuration, renderDelay]` (time to first byte, resource load delay, resource load duration,
   * element render delay; a text LCP has no resource, so both load parts are 0). INP:
   * `[inputDelay, processing, presentation]`. The parts add up exactly to `value`: all but the
   * last are whole ms, and the last absorbs the rounding.
   */
  ph?: number[];
}

/**
 * Names of the phases in `VitalValue.ph`, in the order sent: the series label values of
 * `pulse_lcp_phase_seconds` and `pulse_inp_phase_seconds`.
 */
export const LCP_PHASES = ['ttfb', 'load_delay', 'load_duration', 'render_delay'] as const;
export const INP_PHASES = ['input_delay', 'processing', 'presentation'] as const;
export type LcpPhase = (typeof LCP_PHASES)[number];
export type InpPhase = (typeof INP_PHASES)[number];

/** A page view started: initial load, bfcache restore or SPA route change. */
export interface ViewEvent {
  k: 'view';
}

/**
 * A page view ended (first hide, SPA route change, or entering the bfcache): its final values.
 * Sent once per page view; the collector scores the page view from this event only.
 */
export interface PageEvent {
  k: 'page';
  /** Final value of each vital that was reported during the page view. */
  vitals: Partial<Record<VitalName, VitalValue>>;
  /**
   * Total blocking time in ms: sum over long tasks of (duration - 50 ms). Absent where the
   * browser has no Long Tasks API (Firefox, WebKit): not measured is not zero.
   */
  tbt?: number;
  /** `performance.memory.usedJSHeapSize` or measureUserAgentSpecificMemory() bytes, if known. */
  heap?: number;
}

/** One long task or long animation frame. */
export interface LongTaskEvent {
  k: 'long';
  kind: LongTaskKind;
  /** Duration in ms. */
  d: number;
  /**
   * `loaf` only, where the browser lists them: the frame's longest scripts, longest first, at
   * most 3.
   */
  s?: BlockingScript[];
}

/** A JavaScript error, counted with a short fingerprint. */
export interface ErrorEvent {
  k: 'error';
  kind: ErrorKind;
  /** Short hash of the error's name, message and top frame: groups errors, reveals nothing. */
  fp: string;
  /** The message, only when the app opted in (`captureErrorMessages`). At most 200 characters. */
  msg?: string;
}

/** A custom business event from `track(name, value)`. */
export interface CustomEvent {
  k: 'event';
  name: string;
  /** Amount added to the counter; 1 when absent. */
  value?: number;
}

/** A custom timing from `time(name, ms)`. */
export interface TimingEvent {
  k: 'timing';
  name: string;
  /** Duration in ms. */
  d: number;
}

/** Summary of one socket's connection quality over one reporting window (~10 s). */
export interface SocketEvent {
  k: 'socket';
  transport: SocketTransport;
  /** Probes sent in the window, and how many of them were not acked within the timeout. */
  probes: number;
  lost: number;
  /** Smoothed RTT (ms), and the median and 95th percentile over the window. */
  rtt: number;
  p50: number;
  p95: number;
  /** RFC 3550 interarrival jitter of RTT, in ms. */
  jitter: number;
  /** Share of probes lost, 0..1. */
  loss: number;
  /** Time from connect() to the `connect` event, in ms, if the connection was made in the window. */
  connectMs?: number;
  /** Reconnect attempts in the window. */
  reconnects: number;
  /** One entry per disconnect in the window. */
  disconnects: DisconnectReason[];
  /** Transport upgrades (polling → websocket) in the window. */
  upgrades: number;
  /** Application messages received and sent in the window (probes excluded). */
  msgIn: number;
  msgOut: number;
  /**
   * Per event name, with delivery tracking on (`monitorSocket(..., { delivery: trackDelivery })`,
   * or `{ delivery: true }` with `/pulse.delivery.js`): the
   * window's messages and acknowledged emits. At most `MAX_MESSAGE_EVENTS` names.
   */
  msgs?: MessageStats[];
}

/**
 * The messages of one event name in one socket reporting window. Acknowledged emits resolve
 * in the window in which their ack arrives, they time out, or the socket disconnects.
 */
export interface MessageStats {
  /** Event name, at most 64 characters of `[A-Za-z0-9_.:/ -]` (others become `_`). */
  e: string;
  /** Messages received and sent with this name. */
  in: number;
  out: number;
  /** Acknowledged emits whose ack arrived in time. */
  ok: number;
  /** Acknowledged emits that timed out (`socket.timeout(ms)`, `ackTimeout`). */
  fail: number;
  /** Acknowledged emits still waiting for their ack when the socket disconnected. */
  lost: number;
  /**
   * Delivery times of the emits counted in `ok`, ms (emit sent to ack received); the first
   * `MAX_DELIVERY_SAMPLES` of the window when there are more.
   */
  d: number[];
}

/** Event names per socket reporting window; the rest are counted under `__other__`. */
export const MAX_MESSAGE_EVENTS = 20;
/** Delivery times per event name per socket reporting window. */
export const MAX_DELIVERY_SAMPLES = 100;

/** Media kinds of a WebRTC call. */
export type MediaKind = 'audio' | 'video';

/**
 * The type of the local ICE candidate a call's selected pair uses: `relay` means through a TURN
 * server, `srflx` and `prflx` through a NAT mapping, `host` a direct address.
 */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/**
 * States a WebRTC call reports changes to: every `RTCPeerConnectionState` (`connectionState`,
 * which follows ICE and DTLS together), and the two `RTCIceConnectionState` values that state
 * has no word for (`checking`, `completed`). The series label `state` takes these values.
 */
export const PEER_STATES = [
  'new',
  'checking',
  'connecting',
  'connected',
  'completed',
  'disconnected',
  'failed',
  'closed',
] as const;
export type PeerState = (typeof PEER_STATES)[number];

/** One media kind in one direction over a window, summed over its streams. */
export interface MediaQuality {
  /**
   * RFC 3550 interarrival jitter of the media packets, ms: the receiver's own for inbound, the
   * remote receiver's report (remote-inbound-rtp) for outbound. The largest over the streams.
   */
  jitter?: number;
  /** Packets expected in the window (inbound: received + lost; outbound: sent). */
  packets: number;
  /** Of those, lost (never more than `packets`). */
  lost: number;
}

/** A WebRTC call's audio in a window. */
export interface CallAudio {
  in?: MediaQuality;
  out?: MediaQuality;
  /** Share of received audio samples concealed (synthesised for lost or late packets), 0..1. */
  conceal?: number;
}

/** A WebRTC call's video in a window. */
export interface CallVideo {
  in?: MediaQuality;
  out?: MediaQuality;
  /** Frames decoded per second, received video. */
  fps?: number;
  /** Received frames dropped before display. */
  dropped?: number;
  /** Received video freezes, and their total duration in ms. */
  freezes?: number;
  freezeMs?: number;
}

/** One RTCPeerConnection's quality over one reporting window, from getStats() deltas. */
export interface WebRtcEvent {
  k: 'webrtc';
  /**
   * Round-trip time in ms: the mean of the round trips measured in the window (the selected
   * candidate pair's STUN checks and the remote receivers' RTCP reports), else the pair's latest.
   * Absent without either (not connected yet).
   */
  rtt?: number;
  /** Type of the local candidate of the selected pair. */
  cand?: CandidateType;
  /** Estimated available outgoing bandwidth, bits per second. */
  bw?: number;
  audio?: CallAudio;
  video?: CallVideo;
  /** ICE and connection state changes in the window, in order. */
  states: PeerState[];
}

/** Everything a beacon can carry. */
export type PulseEvent =
  | ViewEvent
  | PageEvent
  | LongTaskEvent
  | ErrorEvent
  | CustomEvent
  | TimingEvent
  | SocketEvent
  | WebRtcEvent;

/** One POST /v1/rum body: a batch of events sharing one page-view context. */
export interface Beacon {
  v: ProtocolVersion;
  /** Application name (`data-app`). */
  app: string;
  release?: string;
  /** Ingest key, when the collector requires one. */
  key?: string;
  /** Random id per tab session (sessionStorage, no cookies). */
  session: string;
  /** Random id per page view. */
  page: string;
  /** Route template or normalised path: ids, uuids and hashes become `:id`; never a query. */
  route: string;
  nav: NavigationType;
  device: DeviceClass;
  /** Version 2 on: the browser engine. */
  engine?: Engine;
  ect?: ConnectionType;
  /** Events the SDK dropped (queue bound) since its last delivered beacon. */
  dropped?: number;
  events: PulseEvent[];
}

/** Socket.io event name of the connection-quality probe. */
export const PROBE_EVENT = 'pulse:ping';

/**
 * Plain-WebSocket probe (`monitorWebSocket`, answered by `@pulse/collector/ws`): a text frame
 * `WS_PROBE` + `"<s> <t>"` (sequence number, send time), answered by `WS_PROBE_ANSWER` + the
 * same text. The leading NUL keeps it apart from any app's text or JSON frames. At most
 * `WS_PROBE_MAX_BYTES` bytes.
 */
export const WS_PROBE = '\u0000pulse:ping ';
export const WS_PROBE_ANSWER = '\u0000pulse:pong ';
export const WS_PROBE_MAX_BYTES = 64;

/** Probe payload: sequence number and the client's send timestamp (ms). At most 64 bytes. */
export interface ProbePayload {
  s: number;
  t: number;
}
