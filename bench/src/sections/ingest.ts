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

/** Rounds per server; each round runs both servers, in alternating order. */
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

/** Events per second and p99 latency of the collector beside a bare fastify route, then /metrics. */
export const ingestSection: Section = {
  id: 'ingest',
  title: '3. Collector ingest and /metrics scrape',
  async run({ ingestSeconds }) {
    const beacons = capBeacons();
    const bodies = beacons.map((b) => JSON.stringify(b));
    const bare = await startChildServer('bare');
    const pulse = await startChildServer('collector');
    /** A load run, and how busy the server process was during it (CPU time / wall time). */
    type Round = LoadResult & { serverBusy: number };
    const rounds: Record<'bare' | 'pulse', Round[]> = { bare: [], pulse: [] };
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
        name: 'bare' | 'pulse',
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
      await load('bare', bare, 2);
      await load('pulse', pulse, 2);
      for (let i = 0; i < ROUNDS; i++) {
        const order = i % 2 ? (['pulse', 'bare'] as const) : (['bare', 'pulse'] as const);
        for (const name of order) {
          rounds[name].push(await load(name, name === 'bare' ? bare : pulse, ingestSeconds));
        }
      }
      scrape = await timeScrapes(pulse.origin, SCRAPES);
      await pulse.profileStart();
      await timeScrapes(pulse.origin, 5);
      scrapeProfile = await pulse.profileStop();
      // Not counted: one more round of each under the sampling profiler, for the profiles below.
      const profiled = async (name: 'bare' | 'pulse', server: ChildServer) => {
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
      await bare.close();
      await pulse.close();
    }

    // In this process, after the servers are gone: nothing else competes for the caches.
    const recordCost = EVICT_MIB.map((mib) => ({
      mib,
      us: recordMicroseconds(beacons, mib * 2 ** 20, RECORD_ROUNDS),
    }));

    const summary = (name: 'bare' | 'pulse') => ({
      eventsPerSecond: median(rounds[name].map((r) => r.requestsPerSecond)) * EVENTS_PER_BEACON,
      p99: median(rounds[name].map((r) => r.p99)),
    });
    const b = summary('bare');
    const p = summary('pulse');
    const throughput = p.eventsPerSecond / b.eventsPerSecond;
    const missing = SPEC_SERIES.filter((name) => !scrape.families.has(name));
    if (missing.length) throw new Error(`series missing from /metrics: ${missing.join(', ')}`);

    const goals: Goal[] = [
      {
        name: 'Collector ingest at least 0.7x the bare fastify route',
        met: throughput >= 0.7,
        detail: `${fmt(p.eventsPerSecond)} vs ${fmt(b.eventsPerSecond)} events/s (${ratio(throughput)}); p99 ${fmt(p.p99)} ms vs ${fmt(b.p99)} ms`,
      },
    ];
    const roundRows = rounds.bare.flatMap((_, i) =>
      (['bare', 'pulse'] as const).map((name) => {
        const r = rounds[name][i]!;
        return [
          String(i + 1),
          name === 'bare' ? 'bare fastify route' : 'Pulse collector',
          fmt(r.requestsPerSecond * EVENTS_PER_BEACON),
          fmt(r.requestsPerSecond),
          fmt(r.p50),
          fmt(r.p99),
          `${fmt(100 * r.serverBusy)}%`,
        ];
      }),
    );
    const body = [
      `autocannon (${CONNECTIONS} keep-alive connections, no pipelining) POSTs \`text/plain\` beacons of ${EVENTS_PER_BEACON} events each (the SDK's batch size), cycling through 300 beacons that together cover every series at the default caps (100 routes x 3 device classes, 50 custom event and timing names, every event kind). Each server runs alone in its own Node process on 127.0.0.1; the bare route is fastify with the same body limit and the same JSON parser for the same content type, answering 204 without looking at the body. The collector runs with its defaults except the per-client rate limit, which is off because every request comes from 127.0.0.1. After a 2 s warm-up each, ${ROUNDS} rounds of ${ingestSeconds} s per server, alternating which goes first; medians over rounds. Every request must be answered 2xx or the run fails.`,
      '',
      table(
        ['server', ' events/s (median)', ' p99 ms (median)', ' vs bare'],
        [
          ['bare fastify route (parse only)', fmt(b.eventsPerSecond), fmt(b.p99), '1.00x'],
          ['Pulse collector', fmt(p.eventsPerSecond), fmt(p.p99), ratio(throughput)],
        ],
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
      `CPU per 1,000 beacons by owner, collector beside the bare route (both profiled the same way, ${fmt(profiledBeacons.bare)} and ${fmt(profiledBeacons.pulse)} beacons): what the collector adds on top of receiving and parsing.`,
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
      'The same profiler over five more scrapes: a scrape runs on the event loop, so while it lasts no beacon is read (see the event-loop delay in the soak test).',
      '',
      scrapeProfile ? profileTables(scrapeProfile, 6, 8) : '',
    ].join('\n');
    return {
      goals,
      body,
      data: { bare: b, pulse: p, scrapeMs: scrape.medianMs, recordCost },
    };
  },
};

/** Self time per 1,000 beacons by owner, bare route beside collector, largest difference first. */
function perBeaconTable(
  bare: CpuProfile,
  bareBeacons: number,
  pulse: CpuProfile,
  pulseBeacons: number,
) {
  const rate = (profile: CpuProfile, beacons: number) =>
    new Map(selfTimeByOwner(profile).map((s) => [s.where, (s.ms * 1000) / beacons]));
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
