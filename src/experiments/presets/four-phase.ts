import type { Preset } from '../preset';

// Filled in by issue 4's work in progress.
export const FOUR_PHASE_PRESETS: readonly Preset[] = [];
