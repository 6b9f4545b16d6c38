import { EVENTS_PER_BEACON, capBeacons, describeLoad } from '../load/capBeacons.js';
import { assertAllAccepted, fire, type LoadResult } from '../load/fire.js';
import {
  ingestUnderScrapes,
  PROMETHEUS_APART_MS,
  SCRAPE_PATTERNS,
  type ScrapePattern,
  type UnderScrapes,
} from '../load/ingestUnderScrapes.js';
import { recordMicroseconds } from '../load/recordCost.js';
import { PROMETHEUS_ACCEPT, sampleValue, timeScrapes, type ScrapeResult } from '../load/scrape.js';
import { fmt, ratio, table, verdict } from '../markdown.js';
import { profileTables } from '../profile/profileTables.js';
import { selfTimeByOwner, type CpuProfile } from '../profile/selfTime.js';
import type { Goal, Section } from '../section.js';
import {
  startChildCollector,
  startChildServer,
  type ChildCollector,
  type ChildServer,
} from '../server/childServer.js';
import { median } from '../stats.js';

/**
 * Rounds per server; each round runs every server, the order turning by one each round. Many
 * short rounds rather than a few long ones: the machines this runs on change speed by tens of
 * percent within minutes, so each round's ratio compares servers measured seconds apart, and the
 * goals take the median of those ratios.
 */
const ROUNDS = 8;
/**
 * Rounds of the side-by-side comparison: two servers loaded at the same time, each by its own
 * autocannon, so both meet the same phase of the machine; which one is started first alternates.
 */
const SIDE_ROUNDS = 8;
const CONNECTIONS = 10;
/** Scrapes back to back, served from a shared render. */
const SCRAPES = 30;
/** Scrapes per format, each rendering anew. */
const RENDERS = 10;
/** Rounds of fixed-rate ingest per scrape pattern, the order turning by one each round. */
const SCRAPE_ROUNDS = 3;
/** Goals of issue 8 for /metrics at the ceiling and for ingest beside it. */
const RENDER_GOAL_MS = 1000;
const RENDER_GOAL_BYTES = 8 * 2 ** 20;
const STALL_GOAL_MS = 50;
const MiB = 2 ** 20;
/** Unrelated memory written between recorded beacons, to show what cold caches cost. */
const EVICT_MIB = [0, 1, 4, 16];
const RECORD_ROUNDS = 5_000;

/** Every Pulse series of SPEC.md, which a scrape at the caps must contain. */
const SPEC_SERIES = [
  'pulse_web_vital_seconds',
  'pulse_layout_shift_score',
  'pulse_web_vital_rating_total',
  'pulse_page_score',
  'pulse_page_views_total',
  'pulse_long_task_seconds',
  'pulse_total_blocking_time_seconds',
  'pulse_js_heap_used_bytes',
  'pulse_socket_rtt_seconds',
  'pulse_socket_jitter_seconds',
  'pulse_socket_loss_ratio',
  'pulse_socket_score',
  'pulse_socket_reconnects_total',
  'pulse_socket_disconnects_total',
  'pulse_custom_events_total',
  'pulse_custom_timing_seconds',
  'pulse_js_errors_total',
  'pulse_beacons_total',
  'pulse_events_total',
];

/**
 * The servers loaded side by side: two bare fastify routes, the collector as measured for the
 * goals (rate limit off), the collector with rate limiting on, for what the limiter costs, and
 * the fastest bare route answering once per turn of the event loop as the collector does, for
 * what the collector's own work costs apart from that.
 */
const SERVERS = ['bare', 'fastest', 'pulse', 'limited', 'batched'] as const;
type ServerName = (typeof SERVERS)[number];
const SERVER_LABELS: Record<ServerName, string> = {
  bare: "bare fastify route (fastify's JSON parsing)",
  fastest: 'fastest bare route (`JSON.parse`, synchronous handler)',
  pulse: 'Pulse collector',
  limited: 'Pulse collector, rate limiting on (limit above the load)',
  batched: 'fastest bare route answering once per turn, as the collector does',
};

/**
 * Pairs loaded side by side: the collector beside each baseline, and a bare route beside another
 * (`twin`, the same kind of server), which shows how finely the method tells servers apart.
 */
const SIDE_PAIRS = [
  { baseline: 'bare', name: 'pulse' },
  { baseline: 'fastest', name: 'pulse' },
  { baseline: 'batched', name: 'pulse' },
  { baseline: 'bare', name: 'twin' },
] as const;
type SideName = ServerName | 'twin';
const SIDE_LABELS: Record<SideName, string> = {
  ...SERVER_LABELS,
  twin: 'a second bare fastify route (the same server)',
};

const PATTERN_LABELS: Record<ScrapePattern, string> = {
  none: 'no scrapes (baseline)',
  prometheus: `Prometheus: OpenMetrics, ${PROMETHEUS_APART_MS / 1000} s apart, each a new render`,
  loop: 'one client looping on `GET /metrics`, back to back',
};

/** Events per second and p99 latency of the collector beside bare fastify routes, then /metrics. */
export const ingestSection: Section = {
  id: 'ingest',
  title: '3. Collector ingest and /metrics scrape',
  async run({ ingestSeconds }) {
    const roundSeconds = Math.max(2, ingestSeconds / 2);
    const beacons = capBeacons();
    const bodies = beacons.map((b) => JSON.stringify(b));
    const pulse: ChildCollector = await startChildCollector('collector');
    const servers: Record<ServerName, ChildServer> = {
      bare: await startChildServer('bare'),
      fastest: await startChildServer('bare-fastest'),
      pulse,
      limited: await startChildCollector('collector-rate-limited'),
      batched: await startChildServer('bare-batched'),
    };
    const twin = await startChildServer('bare');
    const sideServers: Record<SideName, ChildServer> = { ...servers, twin };
    /** Per pair, per round: each server's CPU µs per beacon. */
    const sideMicros: { baseline: number[]; name: number[] }[] = SIDE_PAIRS.map(() => ({
      baseline: [],
      name: [],
    }));
    const { bare } = servers;
    /** A load run, and how busy the server process was during it (CPU time / wall time). */
    type Round = LoadResult & { serverBusy: number };
    const rounds: Record<ServerName, Round[]> = {
      bare: [],
      fastest: [],
      pulse: [],
      limited: [],
      batched: [],
    };
    let profile: CpuProfile | undefined;
    let bareProfile: CpuProfile | undefined;
    let profiledBeacons = { bare: 0, pulse: 0 };
    let scrapeProfile: CpuProfile | undefined;
    let scrape: ScrapeResult;
    let renders: Record<'prometheus' | 'openMetrics', ScrapeResult>;
    let sharedRenders: number;
    const underScrapes: Record<ScrapePattern, UnderScrapes[]> = {
      none: [],
      prometheus: [],
      loop: [],
    };
    try {
      const cpu = async (server: ChildServer) => {
        const stats = await server.stats();
        return (stats.cpuUser + stats.cpuSystem) / 1e6;
      };
      const load = async (
        name: ServerName,
        server: ChildServer,
        seconds: number,
      ): Promise<Round> => {
        const before = await cpu(server);
        const result = await fire(server.origin, '/v1/rum', bodies, {
          seconds,
          connections: CONNECTIONS,
        });
        const serverBusy = ((await cpu(server)) - before) / result.seconds;
        assertAllAccepted(name, result);
        return { ...result, serverBusy };
      };
      /** CPU µs per beacon answered of two servers loaded at the same time. */
      const sideBySide = async (pair: readonly [ChildServer, ChildServer], seconds: number) => {
        const before = await Promise.all(pair.map(cpu));
        const results = await Promise.all(
          pair.map((server) =>
            fire(server.origin, '/v1/rum', bodies, { seconds, connections: CONNECTIONS }),
          ),
        );
        const after = await Promise.all(pair.map(cpu));
        return results.map((result, i) => {
          assertAllAccepted('side by side', result);
          return ((after[i]! - before[i]!) * 1e6) / result.ok;
        });
      };
      // Warm-up: JIT, connection pools, and the collector's series all created before measuring;
      // every server, the twin too, has the same history when the side-by-side rounds start.
      for (const name of SERVERS) await load(name, servers[name], 2);
      await load('bare', twin, 2);
      for (let i = 0; i < SIDE_ROUNDS; i++) {
        for (let j = 0; j < SIDE_PAIRS.length; j++) {
          const k = (i + j) % SIDE_PAIRS.length;
          const { baseline, name } = SIDE_PAIRS[k]!;
          const pair = [sideServers[baseline], sideServers[name]] as const;
          const flip = i % 2 === 1;
          const us = await sideBySide(flip ? [pair[1], pair[0]] : pair, roundSeconds);
          const [baselineUs, nameUs] = flip ? [us[1]!, us[0]!] : [us[0]!, us[1]!];
          sideMicros[k]!.baseline.push(baselineUs);
          sideMicros[k]!.name.push(nameUs);
        }
      }
      for (let i = 0; i < ROUNDS; i++) {
        const order = SERVERS.map((_, j) => SERVERS[(i + j) % SERVERS.length]!);
        for (const name of order) rounds[name].push(await load(name, servers[name], roundSeconds));
      }
      // /metrics at the ceiling: each format rendered anew per scrape (spaced past the shared
      // render's age), then scrapes back to back, which share renders.
      const apart = { apartMs: PROMETHEUS_APART_MS };
      renders = {
        openMetrics: await timeScrapes(pulse.admin, RENDERS, {
          ...apart,
          accept: PROMETHEUS_ACCEPT,
        }),
        prometheus: await timeScrapes(pulse.admin, RENDERS, apart),
      };
      scrape = await timeScrapes(pulse.admin, SCRAPES);
      // No scrape came before these: each format's render count is its scrapes spaced apart.
      const rendersOf = (text: string, format: string) =>
        sampleValue(text, `pulse_metrics_renders_total{format="${format}"}`);
      const { text } = renders.prometheus;
      if (rendersOf(text, 'prometheus') !== RENDERS || rendersOf(text, 'openmetrics') !== RENDERS) {
        throw new Error('a scrape spaced past the render age did not render anew');
      }
      sharedRenders = rendersOf(scrape.text, 'prometheus') - RENDERS;
      // Ingest as in the rounds above, beside each way of reading /metrics.
      for (let i = 0; i < SCRAPE_ROUNDS; i++) {
        for (let j = 0; j < SCRAPE_PATTERNS.length; j++) {
          const pattern = SCRAPE_PATTERNS[(i + j) % SCRAPE_PATTERNS.length]!;
          underScrapes[pattern].push(
            await ingestUnderScrapes(pulse, bodies, pattern, {
              seconds: ingestSeconds,
              connections: CONNECTIONS,
            }),
          );
        }
      }
      await pulse.profileStart();
      await timeScrapes(pulse.admin, 5, apart);
      scrapeProfile = await pulse.profileStop();
      // Not counted: one more round of each under the sampling profiler, for the profiles below.
      const profiled = async (name: ServerName, server: ChildServer) => {
        await server.profileStart();
        const result = await load(name, server, Math.min(ingestSeconds, 5));
        return { beacons: result.ok, profile: await server.profileStop() };
      };
      const bareRun = await profiled('bare', bare);
      const pulseRun = await profiled('pulse', pulse);
      bareProfile = bareRun.profile;
      profile = pulseRun.profile;
      profiledBeacons = { bare: bareRun.beacons, pulse: pulseRun.beacons };
    } finally {
      for (const server of Object.values(sideServers)) await server.close();
    }

    // In this process, after the servers are gone: nothing else competes for the caches.
    const recordCost = EVICT_MIB.map((mib) => ({
      mib,
      us: recordMicroseconds(beacons, mib * 2 ** 20, RECORD_ROUNDS),
    }));

    const summary = (name: ServerName) => ({
      eventsPerSecond: median(rounds[name].map((r) => r.requestsPerSecond)) * EVENTS_PER_BEACON,
      p99: median(rounds[name].map((r) => r.p99)),
    });
    /** `name`'s events/s over `baseline`'s, round by round: the median, and the range. */
    const paired = (baseline: ServerName, name: ServerName = 'pulse') => {
      const ratios = rounds[name].map(
        (r, i) => r.requestsPerSecond / rounds[baseline][i]!.requestsPerSecond,
      );
      return spread(ratios);
    };
    const vsBare = paired('bare');
    const vsFastest = paired('fastest');
    const vsBatched = paired('batched');
    /** The side-by-side ratios (baseline's CPU per beacon over the other's) of a pair. */
    const side = (index: number) => {
      const { baseline, name } = sideMicros[index]!;
      return spread(baseline.map((us, round) => us / name[round]!));
    };
    const sideVsBare = side(0);
    const sideVsFastest = side(1);
    const sideTwins = side(3);
    const sideDetail = (figures: ReturnType<typeof side>, oneAtATime: typeof vsBare) =>
      `${ratio(figures.median)} of its beacons per CPU second loaded side by side, the median of ${SIDE_ROUNDS} rounds (${ratio(figures.low)}-${ratio(figures.high)}; two bare routes side by side: ${ratio(sideTwins.median)}, ${ratio(sideTwins.low)}-${ratio(sideTwins.high)}); one at a time, ${ratio(oneAtATime.median)} of its events/s, the median of ${ROUNDS} rounds' ratios (${ratio(oneAtATime.low)}-${ratio(oneAtATime.high)})`;
    const missing = SPEC_SERIES.filter((name) => !scrape.families.has(name));
    if (missing.length) throw new Error(`series missing from /metrics: ${missing.join(', ')}`);

    const reserved = sampleValue(scrape.text, 'pulse_series_reserved');
    const ceiling = sampleValue(scrape.text, 'pulse_series_ceiling');
    const worstRender = Math.max(renders.openMetrics.p95Ms, renders.prometheus.p95Ms);
    const largest = Math.max(renders.openMetrics.bytes, renders.prometheus.bytes);
    /** A figure of the fixed-rate windows of one scrape pattern: median or worst over rounds. */
    const over = (pattern: ScrapePattern, pick: (u: UnderScrapes) => number) =>
      underScrapes[pattern].map(pick);
    const worst = (pattern: ScrapePattern, pick: (u: UnderScrapes) => number) =>
      Math.max(...over(pattern, pick));
    const typical = (pattern: ScrapePattern, pick: (u: UnderScrapes) => number) =>
      median(over(pattern, pick));
    const stall = Math.max(
      worst('prometheus', (u) => u.loopDelayMaxMs),
      worst('loop', (u) => u.loopDelayMaxMs),
    );
    const loopP99 = typical('loop', (u) => u.load.p99);
    const rssOf = (pattern: ScrapePattern) => worst(pattern, (u) => u.rssMax) / MiB;

    const goals: Goal[] = [
      {
        name: 'Collector ingest at least 0.7x the bare fastify route',
        met: sideVsBare.median >= 0.7,
        detail: sideDetail(sideVsBare, vsBare),
      },
      {
        name: 'Collector ingest at least 0.7x the fastest bare route (`JSON.parse`, synchronous handler)',
        met: sideVsFastest.median >= 0.7,
        detail: sideDetail(sideVsFastest, vsFastest),
      },
      {
        name: `\`/metrics\` at the default series ceiling rendered in under 1 s, a few MB (at most ${fmt(RENDER_GOAL_BYTES / MiB)} MiB)`,
        met: worstRender < RENDER_GOAL_MS && largest <= RENDER_GOAL_BYTES,
        detail: `${fmt(reserved)} of ${fmt(ceiling)} series reserved, ${fmt(renders.prometheus.samples)} samples; a new render to the last byte: p95 ${fmt(renders.openMetrics.p95Ms)} ms OpenMetrics, ${fmt(renders.prometheus.p95Ms)} ms text; ${fmt(largest / MiB, 1)} MiB`,
      },
      {
        name: `Ingest's longest stall while \`/metrics\` is scraped under ${STALL_GOAL_MS} ms`,
        met: stall < STALL_GOAL_MS,
        detail: `collector event-loop delay, max: ${fmt(stall, 1)} ms with scrapes, ${fmt(
          worst('none', (u) => u.loopDelayMaxMs),
          1,
        )} ms without; longest gap between beacon answers ${fmt(
          Math.max(
            worst('prometheus', (u) => u.load.longestGapMs!),
            worst('loop', (u) => u.load.longestGapMs!),
          ),
          1,
        )} ms vs ${fmt(
          worst('none', (u) => u.load.longestGapMs!),
          1,
        )} ms`,
      },
      {
        name: `Ingest p99 under ${STALL_GOAL_MS} ms while one client loops on \`GET /metrics\``,
        met: loopP99 < STALL_GOAL_MS,
        detail: `p99 ${fmt(loopP99)} ms vs ${fmt(typical('none', (u) => u.load.p99))} ms without scrapes; ${fmt(typical('loop', (u) => u.load.requestsPerSecond) * EVENTS_PER_BEACON)} events/s (${ratio(typical('loop', (u) => u.load.requestsPerSecond) / typical('none', (u) => u.load.requestsPerSecond))} of without); collector RSS at most ${fmt(rssOf('loop'))} MiB vs ${fmt(rssOf('none'))} MiB`,
      },
    ];
    const roundRows = rounds.bare.flatMap((_, i) =>
      SERVERS.map((name) => {
        const r = rounds[name][i]!;
        return [
          String(i + 1),
          SERVER_LABELS[name],
          fmt(r.requestsPerSecond * EVENTS_PER_BEACON),
          fmt(r.requestsPerSecond),
          fmt(r.p50),
          fmt(r.p99),
          `${fmt(100 * r.serverBusy)}%`,
        ];
      }),
    );
    const body = [
      `autocannon (${CONNECTIONS} keep-alive connections, no pipelining) POSTs \`text/plain\` beacons of ${EVENTS_PER_BEACON} events each (the SDK's batch size), cycling through ${describeLoad()}. Each server runs alone in its own Node process on 127.0.0.1. Two bare routes answer 204 without looking at the body, both fastify with the collector's body limit taking the same content types: one as a fastify app is usually written (fastify's default JSON parser, secure-json-parse, which also scans the text for \`__proto__\` and \`constructor\` keys; an async handler), and the fastest one fastify allows (plain \`JSON.parse\`, as the collector parses beacons, relying on its closed schema to refuse those keys; a synchronous handler). The collector runs with its defaults (label admission and the 50,000-series ceiling on) but for two settings the bench's single client needs (bench/src/server/collectorOptions.ts): the per-client rate limit is off, and a value is admitted on its first sighting (\`admitAfterClients: 1\`) rather than after five client networks, the load's one address standing in for many browsers; after the warm-up every beacon takes the path of admitted values; a fourth server, not part of the goals, runs it with rate limiting on and the limit raised above the load, so the limiter's own cost shows. The collector records and answers the beacons read in one turn of the event loop together, at its end (collector/src/beacon/turnBatch.ts), which any fastify route can do: a fifth server, not part of the goals, is the fastest bare route answering that way, so what the collector's own work costs shows apart from it. After a 2 s warm-up each, ${ROUNDS} rounds of ${roundSeconds} s per server, the order turning each round; medians over rounds. The ratios in this table compare servers round by round (events/s over the baseline's in the same round, measured seconds apart) and take the median of those ratios: the machine's own speed drifts by tens of percent over a run, which a ratio of medians taken minutes apart would read as the collector's. The goals take the side-by-side figures below instead, which meet that drift at the same moment. Every request must be answered 2xx or the run fails.`,
      '',
      table(
        [
          'server',
          ' events/s (median)',
          ' p99 ms (median)',
          ' vs bare (median of rounds)',
          ' vs fastest bare (median of rounds)',
        ],
        SERVERS.map((name) => {
          const s = summary(name);
          return [
            SERVER_LABELS[name],
            fmt(s.eventsPerSecond),
            fmt(s.p99),
            ratio(paired('bare', name).median),
            ratio(paired('fastest', name).median),
          ];
        }),
      ),
      '',
      `Against the fastest bare route answering once per turn, as the collector does: ${ratio(vsBatched.median)}, the median of ${ROUNDS} rounds' ratios (${ratio(vsBatched.low)}-${ratio(vsBatched.high)}).`,
      '',
      `**Side by side.** One at a time, servers measured seconds apart still meet different phases of the machine: two runs of nearly the same server can differ by a factor of two, and the collector with rate limiting on (more work) has come out ahead of the collector without it. So the goals compare the collector with each baseline loaded at the same time, each by its own autocannon (${CONNECTIONS} connections each) in this process, ${SIDE_ROUNDS} rounds of ${roundSeconds} s per pair, the pairs in turn and the one started first alternating, and divide each server's CPU time (user and system, read inside it) by the beacons it answered: the baseline's CPU per beacon over the collector's is how many beacons the collector answers per CPU second, relative to the baseline, at the load one shared load generator drives (neither server is saturated: three busy processes share the two cores, this one running both autocannons), so CPU per beacon, not events/s, is what compares them. Under a load that saturates a server its batches grow and its CPU per beacon falls, so this is not the same figure as the most events/s it can take. Two bare routes of the same kind, measured the same way, show how finely the method tells servers apart.`,
      '',
      table(
        [
          'pair',
          ' baseline µs per beacon (median)',
          ' other µs per beacon (median)',
          ' beacons per CPU second vs baseline (median of rounds)',
          ' range',
        ],
        SIDE_PAIRS.map(({ baseline, name }, k) => [
          `${SIDE_LABELS[name]} beside ${SIDE_LABELS[baseline]}`,
          fmt(median(sideMicros[k]!.baseline), 1),
          fmt(median(sideMicros[k]!.name), 1),
          ratio(side(k).median),
          `${ratio(side(k).low)}-${ratio(side(k).high)}`,
        ]),
      ),
      '',
      '<details><summary>Every round</summary>',
      '',
      table(
        ['round', 'server', ' events/s', ' beacons/s', ' p50 ms', ' p99 ms', ' server CPU busy'],
        roundRows,
      ),
      '',
      "Server CPU busy is the server process's CPU time over the round's wall time: near 100% the server is the limit; well under it, autocannon (sharing the two cores) is, and the true ratio is lower than measured.",
      '',
      '</details>',
      '',
      table(
        ['goal', 'verdict', 'figures'],
        goals.map((g) => [g.name, verdict(g.met), g.detail]),
      ),
      '',
      '### /metrics at the default series ceiling',
      '',
      `After the rounds above the collector holds ${fmt(reserved)} of its ${fmt(ceiling)} series reserved (\`pulse_series_reserved\`, \`pulse_series_ceiling\`): every series its admitted apps, routes and names can make, but for each app's unused \`__other__\` route and name. Scraped from its admin side by the process that ran the load, timed to the last byte: ${RENDERS} scrapes per format ${PROMETHEUS_APART_MS / 1000} s apart, past the shared render's age of 1 s, so each renders anew (checked with \`pulse_metrics_renders_total\`); OpenMetrics is what Prometheus asks for. Then ${SCRAPES} text scrapes back to back, which share renders: ${sharedRenders === 0 ? 'every one was served from the last render above' : `${fmt(sharedRenders)} new render${sharedRenders === 1 ? '' : 's'} for all ${SCRAPES}`}:`,
      '',
      table(
        ['scrape', ' median ms', ' p95 ms', ' bytes', ' samples', ' metric families'],
        (
          [
            ['OpenMetrics (Prometheus), new render', renders.openMetrics],
            ['text 0.0.4, new render', renders.prometheus],
            [`text 0.0.4, back to back (${fmt(sharedRenders)} new renders)`, scrape],
          ] as const
        ).map(([what, r]) => [
          what,
          fmt(r.medianMs, 1),
          fmt(r.p95Ms, 1),
          fmt(r.bytes),
          fmt(r.samples),
          fmt(r.families.size),
        ]),
      ),
      '',
      '### Ingest while /metrics is scraped',
      '',
      `The same collector, loaded as in the rounds above (autocannon, ${CONNECTIONS} connections, as fast as it answers) for ${ingestSeconds} s, beside each way of reading \`/metrics\` in turn, ${SCRAPE_ROUNDS} rounds, the order turning each round. The scraper runs in a process of its own (bench/src/scraperProcess.ts), so reading megabytes does not hold up the load generator's event loop; all three processes share the two cores. Unbounded rather than at a fixed rate: autocannon's rate is a budget per second sent in a burst, whose queueing and idle gaps would hide the collector's. The stall is the collector's own event-loop delay (\`monitorEventLoopDelay\`, 10 ms sampling, shown beyond the sampling interval): how long a beacon that arrived could wait before being read. The longest gap between two beacon answers is measured by the load generator: with all ${CONNECTIONS} connections waiting on answers, it is time in which the collector answered none. RSS is read inside the collector every 250 ms. Medians over rounds, but the worst round for maxima:`,
      '',
      table(
        [
          'reading /metrics',
          ' events/s',
          ' vs no scrapes',
          ' p50 ms',
          ' p99 ms',
          ' max ms (worst)',
          ' longest answer gap ms (worst)',
          ' event-loop delay p99 ms',
          ' max ms (worst)',
          ' scrapes per round',
          ' RSS MiB (worst)',
        ],
        SCRAPE_PATTERNS.map((pattern) => [
          PATTERN_LABELS[pattern],
          fmt(typical(pattern, (u) => u.load.requestsPerSecond) * EVENTS_PER_BEACON),
          ratio(
            typical(pattern, (u) => u.load.requestsPerSecond) /
              typical('none', (u) => u.load.requestsPerSecond),
          ),
          fmt(typical(pattern, (u) => u.load.p50)),
          fmt(typical(pattern, (u) => u.load.p99)),
          fmt(worst(pattern, (u) => u.load.max)),
          fmt(
            worst(pattern, (u) => u.load.longestGapMs!),
            1,
          ),
          fmt(
            typical(pattern, (u) => u.loopDelayP99Ms),
            1,
          ),
          fmt(
            worst(pattern, (u) => u.loopDelayMaxMs),
            1,
          ),
          fmt(typical(pattern, (u) => u.scraper.scrapes)),
          fmt(rssOf(pattern), 1),
        ]),
      ),
      '',
      `### Profile of the collector under load${goals.some((g) => !g.met) ? ' (why the goal is missed)' : ''}`,
      '',
      'One extra collector round under the V8 sampling profiler (200 µs, node:inspector inside the collector process), not counted above. V8 builtins are named with the code that called them (`writeLatin1String ← sendTrailer` is the response being written to the socket).',
      '',
      profile ? profileTables(profile) : '',
      '',
      `CPU per 1,000 beacons by owner, collector beside the bare route (both profiled the same way, ${fmt(profiledBeacons.bare)} and ${fmt(profiledBeacons.pulse)} beacons): what the collector adds on top of receiving and parsing. Read it as a guide rather than an account: where memory stalls slow everything down, the samples land where the stalls are felt, so part of what recording costs shows up under code both servers run (parsing the next body, writing the response).`,
      '',
      profile && bareProfile
        ? perBeaconTable(bareProfile, profiledBeacons.bare, profile, profiledBeacons.pulse)
        : '',
      '',
      '### Recording a beacon with warm and cold caches',
      '',
      `The collector's recording code (\`createBeaconRecorder\`, the same source) timed alone in the bench process over the same ${fmt(beacons.length)} beacons, ${fmt(RECORD_ROUNDS)} beacons per row, with every series already created; between beacons, a buffer of unrelated memory is written (one byte per 64-byte cache line), the way parsing, HTTP and other requests push the series out of the CPU caches in a real server. At the default series ceiling the series, their label maps and handles take more memory than the caches hold, so under load recording is bound by memory latency rather than by instructions; the bare route keeps no state at all, which the ratio above includes.`,
      '',
      table(
        ['memory written between beacons', ' µs per beacon (20 events)'],
        recordCost.map(({ mib, us }) => [
          mib === 0 ? 'none (warm caches)' : `${mib} MiB`,
          fmt(us, 1),
        ]),
      ),
      '',
      '### Profile of five /metrics scrapes',
      '',
      `The same profiler over five more text scrapes, ${PROMETHEUS_APART_MS / 1000} s apart so that each renders. A render runs on the event loop one metric family per turn, so beacons are read between families; while the largest family (\`pulse_web_vital_seconds\`) renders, none is.`,
      '',
      scrapeProfile ? profileTables(scrapeProfile, 6, 8) : '',
    ].join('\n');
    return {
      goals,
      body,
      data: {
        bare: summary('bare'),
        fastest: summary('fastest'),
        pulse: summary('pulse'),
        sideBySide: SIDE_PAIRS.map(({ baseline, name }, k) => ({
          baseline,
          name,
          ratio: side(k),
        })),
        scrapeMs: scrape.medianMs,
        renderMs: { openMetrics: renders.openMetrics.medianMs, text: renders.prometheus.medianMs },
        seriesReserved: reserved,
        underScrapes,
        recordCost,
      },
    };
  },
};

/** The median of per-round ratios, and their range. */
const spread = (ratios: number[]) => ({
  median: median(ratios),
  low: Math.min(...ratios),
  high: Math.max(...ratios),
});

/** The two servers parse with different code; their parsing is compared as one row. */
const JSON_PARSERS = ['secure-json-parse', 'collector/dist/esm/beaconJson.js'];
const JSON_PARSING = 'JSON parsing (secure-json-parse; collector/dist/esm/beaconJson.js)';

/** Self time per 1,000 beacons by owner, bare route beside collector, largest difference first. */
function perBeaconTable(
  bare: CpuProfile,
  bareBeacons: number,
  pulse: CpuProfile,
  pulseBeacons: number,
) {
  const rate = (profile: CpuProfile, beacons: number) => {
    const perThousand = new Map<string, number>();
    for (const { where, ms } of selfTimeByOwner(profile)) {
      const owner = JSON_PARSERS.includes(where) ? JSON_PARSING : where;
      perThousand.set(owner, (perThousand.get(owner) ?? 0) + (ms * 1000) / beacons);
    }
    return perThousand;
  };
  const b = rate(bare, bareBeacons);
  const p = rate(pulse, pulseBeacons);
  const owners = [...new Set([...b.keys(), ...p.keys()])]
    .map((owner) => ({ owner, bare: b.get(owner) ?? 0, pulse: p.get(owner) ?? 0 }))
    .sort((x, y) => y.pulse - y.bare - (x.pulse - x.bare));
  const total = (m: Map<string, number>) => [...m.values()].reduce((sum, v) => sum + v, 0);
  return table(
    ['owner', ' bare ms / 1k beacons', ' collector ms / 1k beacons', ' added'],
    [
      ...owners
        .filter((o) => Math.max(o.bare, o.pulse) >= 1)
        .slice(0, 10)
        .map((o) => [o.owner, fmt(o.bare, 1), fmt(o.pulse, 1), fmt(o.pulse - o.bare, 1)]),
      ['**all**', fmt(total(b), 1), fmt(total(p), 1), fmt(total(p) - total(b), 1)],
    ],
  );
}
