import type { Retained } from '../profile/retained.js';

/** What the simulated-hour process reports: heap at each checkpoint and what the SDK did. */
export interface SdkHourReport {
  /** Heap used after a full GC before anything is loaded. */
  baselineHeap: number;
  checkpoints: { minute: number; heapUsed: number }[];
  probesSent: number;
  probesAnswered: number;
  beaconsSent: number;
  beaconsAccepted: number;
  beaconBytes: number;
  eventsRecorded: number;
  /** Real seconds the simulated hour took. */
  realSeconds: number;
  /** Simulated minute from which surviving allocations were sampled. */
  retainedSince: number;
  /** Allocations made since then and still alive at the end, by site, largest first. */
  retained: Retained[];
  /** Of those, the sites in Pulse's own code (frames in sdk/dist). */
  retainedBySdk: Retained[];
}
