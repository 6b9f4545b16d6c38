import { EVENTS_PER_BEACON, capBeacons } from '../load/capBeacons.js';
import { assertAllAccepted, fire, type LoadResult } from '../load/fire.js';
import { recordMicroseconds } from '../load/recordCost.js';
import { timeScrapes } from '../load/scrape.js';
import { fmt, ratio, table, verdict } from '../markdown.js';
import { profileTables } from '../profile/profileTables.js';
import { selfTimeByOwner, type CpuProfile } from '../profile/selfTime.js';
import type { Goal, Section } from '../section.js';
import { startChildServer, type ChildServer } from '../server/childServer.js';
import { median } from '../stats.js';

/** Rounds per server; each round runs every server, the order turning by one each round. */
const ROUNDS = 3;
const CONNECTIONS = 10;
const SCRAPES = 30;
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
 * goals (rate limit off), and the collector with rate limiting on, for what the limiter costs.
 */
const SERVERS = ['bare', 'fastest', 'pulse', 'limited'] as const;
type ServerName = (typeof SERVERS)[number];
const SERVER_LABELS: Record<ServerName, string> = {
  bare: "bare fastify route (fastify's JSON parsing)",
  fastest: 'fastest bare route (`JSON.parse`, synchronous handler)',
  pulse: 'Pulse collector',
  limited: 'Pulse collector, rate limiting on (limit above the load)',
};

/** Events per second and p99 latency of the collector beside bare fastify routes, then /metrics. */
export const ingestSection: Section = {
  id: 'ingest',
  title: '3. Collector ingest and /metrics scrape',
  async run({ ingestSeconds }) {
    const beacons = capBeacons();
    const bodies = beacons.map((b) => JSON.stringify(b));
    const servers: Record<ServerName, ChildServer> = {
      bare: await startChildServer('bare'),
      fastest: await startChildServer('bare-fastest'),
      pulse: await startChildServer('collector'),
      limited: await startChildServer('collector-rate-limited'),
    };
    const { bare, pulse } = servers;
    /** A load run, and how busy the server process was during it (CPU time / wall time). */
    type Round = LoadResult & { serverBusy: number };
    const rounds: Record<ServerName, Round[]> = { bare: [], fastest: [], pulse: [], limited: [] };
    let profile: CpuProfile | undefined;
    let bareProfile: CpuProfile | undefined;
    let profiledBeacons = { bare: 0, pulse: 0 };
    let scrapeProfile: CpuProfile | undefined;
    let scrape: Awaited<ReturnType<typeof timeScrapes>>;
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
      // Warm-up: JIT, connection pools, and the collector's series all created before measuring.
      for (const name of SERVERS) await load(name, servers[name], 2);
      for (let i = 0; i < ROUNDS; i++) {
        const order = SERVERS.map((_, j) => SERVERS[(i + j) % SERVERS.length]!);
        for (const name of order) rounds[name].push(await load(name, servers[name], ingestSeconds));
      }
      scrape = await timeScrapes(pulse.origin, SCRAPES);
      await pulse.profileStart();
      await timeScrapes(pulse.origin, 5);
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
      for (const server of Object.values(servers)) await server.close();
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
    const b = summary('bare');
    const f = summary('fastest');
    const p = summary('pulse');
    const throughput = p.eventsPerSecond / b.eventsPerSecond;
    const throughputVsFastest = p.eventsPerSecond / f.eventsPerSecond;
    const missing = SPEC_SERIES.filter((name) => !scrape.families.has(name));
    if (missing.length) throw new Error(`series missing from /metrics: ${missing.join(', ')}`);

    const goals: Goal[] = [
      {
        name: 'Collector ingest at least 0.7x the bare fastify route',
        met: throughput >= 0.7,
        detail: `${fmt(p.eventsPerSecond)} vs ${fmt(b.eventsPerSecond)} events/s (${ratio(throughput)}); p99 ${fmt(p.p99)} ms vs ${fmt(b.p99)} ms`,
      },
      {
        name: 'Collector ingest at least 0.7x the fastest bare route (`JSON.parse`, synchronous handler)',
        met: throughputVsFastest >= 0.7,
        detail: `${fmt(p.eventsPerSecond)} vs ${fmt(f.eventsPerSecond)} events/s (${ratio(throughputVsFastest)}); p99 ${fmt(p.p99)} ms vs ${fmt(f.p99)} ms`,
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
      `autocannon (${CONNECTIONS} keep-alive connections, no pipelining) POSTs \`text/plain\` beacons of ${EVENTS_PER_BEACON} events each (the SDK's batch size), cycling through 300 beacons that together cover every series at the default caps (100 routes x 3 device classes, 50 custom event and timing names, every event kind). Each server runs alone in its own Node process on 127.0.0.1. Two bare routes answer 204 without looking at the body, both fastify with the collector's body limit taking the same content types: one as a fastify app is usually written (fastify's default JSON parser, secure-json-parse, which also scans the text for \`__proto__\` and \`constructor\` keys; an async handler), and the fastest one fastify allows (plain \`JSON.parse\`, as the collector parses beacons, relying on its closed schema to refuse those keys; a synchronous handler). The collector runs with its defaults except the per-client rate limit, which is off because every request comes from 127.0.0.1; a fourth server, not part of the goals, runs it with rate limiting on and the limit raised above the load, so the limiter's own cost shows. After a 2 s warm-up each, ${ROUNDS} rounds of ${ingestSeconds} s per server, the order turning each round; medians over rounds. Every request must be answered 2xx or the run fails.`,
      '',
      table(
        ['server', ' events/s (median)', ' p99 ms (median)', ' vs bare', ' vs fastest bare'],
        SERVERS.map((name) => {
          const s = summary(name);
          return [
            SERVER_LABELS[name],
            fmt(s.eventsPerSecond),
            fmt(s.p99),
            ratio(s.eventsPerSecond / b.eventsPerSecond),
            ratio(s.eventsPerSecond / f.eventsPerSecond),
          ];
        }),
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
      `### /metrics scrape with every series populated at the default caps`,
      '',
      `After the rounds above the collector holds every Pulse series at the default caps (100 routes, 50 event names, one app). ${SCRAPES} sequential \`GET /metrics\` (Prometheus text format) timed to the last byte, from the same process that ran the load:`,
      '',
      table(
        [' median ms', ' p95 ms', ' bytes', ' samples', ' metric families'],
        [
          [
            fmt(scrape.medianMs, 1),
            fmt(scrape.p95Ms, 1),
            fmt(scrape.bytes),
            fmt(scrape.samples),
            fmt(scrape.families.size),
          ],
        ],
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
      `The collector's recording code (\`createBeaconRecorder\`, the same source) timed alone in the bench process over the same ${fmt(beacons.length)} beacons, ${fmt(RECORD_ROUNDS)} beacons per row, with every series already created; between beacons, a buffer of unrelated memory is written (one byte per 64-byte cache line), the way parsing, HTTP and other requests push the series out of the CPU caches in a real server. At the default caps the series, their label maps and handles take more memory than the caches hold, so under load recording is bound by memory latency rather than by instructions; the bare route keeps no state at all, which the ratio above includes.`,
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
      'The same profiler over five more scrapes. A scrape runs on the event loop one metric family per turn, so beacons are read between families; while the largest family (`pulse_web_vital_seconds`) renders, none is (see the event-loop delay in the soak test).',
      '',
      scrapeProfile ? profileTables(scrapeProfile, 6, 8) : '',
    ].join('\n');
    return {
      goals,
      body,
      data: { bare: b, fastest: f, pulse: p, scrapeMs: scrape.medianMs, recordCost },
    };
  },
};

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
