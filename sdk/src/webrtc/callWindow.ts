import type {
  CallAudio,
  CallVideo,
  CandidateType,
  MediaKind,
  MediaQuality,
  PeerState,
  WebRtcEvent,
} from '../protocol.js';

/**
 * One entry of an `RTCStatsReport`, as far as the window reads it: every stats dictionary the
 * browser gives, read by name, with missing members `undefined` (each browser fills a different
 * subset, and older ones fewer).
 */
export type StatsEntry = { readonly id?: string; readonly type?: string } & Readonly<
  Record<string, unknown>
>;

/** What `RTCPeerConnection.getStats()` resolves to, as far as the window reads it. */
export interface StatsReport {
  get(id: string): unknown;
  forEach(callback: (entry: unknown) => void): void;
}

const num = (entry: StatsEntry | undefined, key: string): number | undefined => {
  const value = entry?.[key];
  return typeof value === 'number' && value >= 0 ? value : undefined;
};

/** Growth of a cumulative counter since the previous report (0 for a counter that restarted). */
const delta = (now: StatsEntry | undefined, before: StatsEntry | undefined, key: string) =>
  Math.max(0, (num(now, key) ?? 0) - (num(before, key) ?? 0));

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];
const KINDS: readonly MediaKind[] = ['audio', 'video'];
const round = (x: number, places = 1) => Math.round(x * 10 ** places) / 10 ** places;

/**
 * The candidate pair in use: the one the transport names (Chromium, WebKit), else the one
 * flagged `selected` (Firefox), else a nominated pair that succeeded.
 */
function selectedPair(report: StatsReport, entries: StatsEntry[]): StatsEntry | undefined {
  for (const entry of entries) {
    const id = entry.type === 'transport' && entry.selectedCandidatePairId;
    if (typeof id === 'string') return report.get(id) as StatsEntry | undefined;
  }
  return (
    entries.find((entry) => entry.type === 'candidate-pair' && entry.selected === true) ??
    entries.find(
      (entry) =>
        entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded',
    )
  );
}

/** Adds one stream's window to the sum of its kind and direction. */
function add(sum: MediaQuality | undefined, packets: number, lost: number, jitter?: number) {
  const into = sum ?? { packets: 0, lost: 0 };
  into.packets += packets;
  into.lost += Math.min(lost, packets);
  if (jitter !== undefined) into.jitter = Math.max(into.jitter ?? 0, round(jitter * 1000));
  return into;
}

/**
 * One reporting window of a call from two `getStats()` reports, `before` at the window's start
 * and `now` at its end: every figure is the growth of the browser's cumulative counters between
 * them (or, for jitter, RTT when no check answered, and bandwidth, the latest reading), so a
 * window says what happened in it and nothing from earlier in the call.
 *
 * - RTT: the mean of every round trip measured in the window, the selected candidate pair's STUN
 *   checks (a few seconds apart) and the RTCP round trips of the remote receivers' reports (about
 *   one a second per stream); with none, the pair's `currentRoundTripTime`.
 * - Inbound loss per kind: lost / (received + lost), from inbound-rtp; outbound: the remote
 *   receivers' lost (remote-inbound-rtp) / packets sent (outbound-rtp).
 * - Jitter: inbound-rtp's own RFC 3550 jitter; outbound, remote-inbound-rtp's.
 */
export function callWindow(
  before: StatsReport | undefined,
  now: StatsReport,
  states: PeerState[],
): WebRtcEvent {
  const entries: StatsEntry[] = [];
  now.forEach((entry) => entries.push(entry as StatsEntry));
  const earlier = (entry: StatsEntry) =>
    entry.id === undefined ? undefined : (before?.get(entry.id) as StatsEntry | undefined);
  const event: WebRtcEvent = { k: 'webrtc', states };

  /** Round trips measured in the window (STUN and RTCP), and their total time in seconds. */
  let roundTrips = 0;
  let roundTripTime = 0;
  let currentRtt: number | undefined;
  const pair = selectedPair(now, entries);
  if (pair) {
    const local = now.get(String(pair.localCandidateId)) as StatsEntry | undefined;
    const type = local?.candidateType;
    if (typeof type === 'string' && CANDIDATE_TYPES.includes(type)) {
      event.cand = type as CandidateType;
    }
    roundTrips = delta(pair, earlier(pair), 'responsesReceived');
    roundTripTime = delta(pair, earlier(pair), 'totalRoundTripTime');
    currentRtt = num(pair, 'currentRoundTripTime');
    const bw = num(pair, 'availableOutgoingBitrate');
    if (bw !== undefined) event.bw = Math.round(bw);
  }

  const audio: CallAudio = {};
  const video: CallVideo = {};
  let samples = 0;
  let concealed = 0;
  let frames = 0;
  let seconds = 0;
  for (const entry of entries) {
    const kind = entry.kind as MediaKind;
    if (!KINDS.includes(kind)) continue;
    const media = kind === 'audio' ? audio : video;
    const was = earlier(entry);
    const jitter = num(entry, 'jitter');
    if (entry.type === 'inbound-rtp') {
      const lost = delta(entry, was, 'packetsLost');
      media.in = add(media.in, delta(entry, was, 'packetsReceived') + lost, lost, jitter);
      samples += delta(entry, was, 'totalSamplesReceived');
      concealed += delta(entry, was, 'concealedSamples');
      if (kind === 'video') {
        frames += delta(entry, was, 'framesDecoded');
        // `timestamp` is in ms; a stream new in this window has no frame rate yet.
        seconds = Math.max(seconds, delta(entry, was ?? entry, 'timestamp') / 1000);
        video.dropped = (video.dropped ?? 0) + delta(entry, was, 'framesDropped');
        video.freezes = (video.freezes ?? 0) + delta(entry, was, 'freezeCount');
        video.freezeMs =
          (video.freezeMs ?? 0) + round(delta(entry, was, 'totalFreezesDuration') * 1000, 0);
      }
    } else if (entry.type === 'remote-inbound-rtp') {
      const sent = now.get(String(entry.localId)) as StatsEntry | undefined;
      const packets = delta(
        sent,
        sent?.id === undefined ? undefined : earlier(sent),
        'packetsSent',
      );
      media.out = add(media.out, packets, delta(entry, was, 'packetsLost'), jitter);
      roundTrips += delta(entry, was, 'roundTripTimeMeasurements');
      roundTripTime += delta(entry, was, 'totalRoundTripTime');
    }
  }
  const rtt = roundTrips ? roundTripTime / roundTrips : currentRtt;
  if (rtt !== undefined) event.rtt = round(rtt * 1000);
  if (samples) audio.conceal = round(concealed / samples, 4);
  if (seconds) video.fps = round(frames / seconds);
  if (audio.in || audio.out) event.audio = audio;
  if (video.in || video.out) event.video = video;
  return event;
}
