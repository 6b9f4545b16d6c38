import type { Section } from '../section.js';
import { mainThreadSection } from './mainThread.js';
import { sizeSection } from './size.js';

/** Every benchmark, in the order BENCHMARKS.md lists them. */
export const SECTIONS: Section[] = [sizeSection, mainThreadSection];
