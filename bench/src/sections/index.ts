import type { Section } from '../section.js';
import { dashboardSection } from './dashboard.js';
import { ingestSection } from './ingest.js';
import { mainThreadSection } from './mainThread.js';
import { memorySection } from './memory.js';
import { sizeSection } from './size.js';
import { soakSection } from './soak.js';
import { socketCostSection } from './socketCost.js';
import { webrtcCostSection } from './webrtcCost.js';

/** Every benchmark, in the order BENCHMARKS.md lists them. */
export const SECTIONS: Section[] = [
  sizeSection,
  mainThreadSection,
  ingestSection,
  memorySection,
  socketCostSection,
  soakSection,
  dashboardSection,
  webrtcCostSection,
];
