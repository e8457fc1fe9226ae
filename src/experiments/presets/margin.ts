import type { Preset } from '../preset';

// Filled in by issue 4's work in progress.
export const MARGIN_PRESETS: readonly Preset[] = [];
