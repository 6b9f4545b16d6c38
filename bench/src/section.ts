import type { Machine } from './machine.js';

/** A stated goal of issue 8 and whether this run met it. */
export interface Goal {
  name: string;
  met: boolean;
  /** The figures the verdict rests on. */
  detail: string;
}

/** What a section measured, ready to be written into BENCHMARKS.md. */
export interface SectionOutcome {
  goals: Goal[];
  /** Markdown: tables, the method, and for a missed goal the profile that shows why. */
  body: string;
  /** Raw figures other sections may read (the soak test reads the ingest ceiling). */
  data?: unknown;
}

/** A stored outcome, with when, where and how long it took. */
export interface SectionResult extends SectionOutcome {
  id: string;
  title: string;
  measuredAt: string;
  seconds: number;
  machine: Machine;
}

/** Knobs shared by every section, from flags or environment variables. */
export interface BenchOptions {
  /** Seconds of sustained load in the soak test. */
  soakSeconds: number;
  /** Page loads per variant in the main-thread comparison. */
  pageRuns: number;
  /** Seconds per autocannon round in the ingest comparison. */
  ingestSeconds: number;
  /** Seconds the socket probe runs while its frames are counted. */
  socketSeconds: number;
}

/** One benchmark: an id to select it with, a title, and the measurement. */
export interface Section {
  id: string;
  title: string;
  run(options: BenchOptions): Promise<SectionOutcome>;
}
