/**
 * Phase boundaries of the four-phase picture (docs/science.md section 5; seed 000, Wang and Ma 2023) read
 * off logged metric rows: a pure function, so the app can mark the boundaries on its charts and a
 * preset's check can state them as numbers.
 *
 *   I   condensation     first row where the living neurons form <= condensedClusters direction clusters
 *       saddle escape    first row where the loss has fallen by escapeDrop of its initial value
 *   II  plateau start    the longest run (>= plateauMinRows rows) of constant accuracy below 1 from the
 *                        condensation on; it starts at its first row, or at the saddle escape if that is inside it
 *       plateau escape   first row after it whose accuracy exceeds the plateau value
 *   III deactivation     first row after the plateau start (or the condensation, with no plateau) where the
 *                        activation count is >= minCountChange below its value there (the plateau start, not
 *                        its escape: at a coarse logging interval the escape and the deactivation share a row)
 *   IV  reactivation     first row after the deactivation where the activation count is >= minCountChange
 *                        above the lowest value reached since
 *
 * The activation count is `activationMetric`, by default activatedOnNegative (src/models/two-layer/neuron-metrics.ts): the
 * positive neurons active on some negative sample, the neurons the paper's phases III and IV deactivate and reactivate.
 *
 * A boundary that does not show is absent; `inOrder` says whether the present ones follow I, II, III, IV.
 */
export type PhaseEvent = 'condensation' | 'saddle-escape' | 'plateau-start' | 'plateau-escape' | 'deactivation' | 'reactivation';

export interface PhaseBoundary {
  readonly step: number;
  /** 1-4: the phase the event belongs to. */
  readonly phase: 1 | 2 | 3 | 4;
  readonly event: PhaseEvent;
  /** The measured values behind it, in words. */
  readonly evidence: string;
}

export interface PhaseDetectionOptions {
  /** Condensed: at most this many direction clusters (two: one per sign of a). Default 2. */
  readonly condensedClusters?: number;
  /** Saddle escape: the loss has fallen by this fraction of its initial value. Default 0.1. */
  readonly escapeDrop?: number;
  /** Accuracy values closer than this are equal (one sample in n is 1/n). Default 1e-6. */
  readonly accuracyTolerance?: number;
  /** A plateau spans at least this many consecutive rows. Default 3. */
  readonly plateauMinRows?: number;
  /** Deactivation / reactivation: the activated count moves by at least this many neurons. Default 1. */
  readonly minCountChange?: number;
  /** The logged count phases III and IV read. Default 'activatedOnNegative'. */
  readonly activationMetric?: string;
}

export interface PhaseDetection {
  readonly boundaries: readonly PhaseBoundary[];
  /** Accuracy on the plateau (NaN without one). */
  readonly plateauAccuracy: number;
  /** Direction clusters in the last row (NaN if not logged). */
  readonly finalClusters: number;
  /** The detected boundaries are in the order of the phases (and of their steps). */
  readonly inOrder: boolean;
}

type Row = { readonly step: number } & Readonly<Record<string, number>>;

const valueOf = (row: Row | undefined, name: string): number => {
  const value = row?.[name];
  return typeof value === 'number' ? value : NaN;
};

export function detectPhases(rows: readonly Row[], options: PhaseDetectionOptions = {}): PhaseDetection {
  const condensedClusters = options.condensedClusters ?? 2;
  const escapeDrop = options.escapeDrop ?? 0.1;
  const tolerance = options.accuracyTolerance ?? 1e-6;
  const plateauMinRows = options.plateauMinRows ?? 3;
  const minChange = options.minCountChange ?? 1;
  const counted = options.activationMetric ?? 'activatedOnNegative';
  const boundaries: PhaseBoundary[] = [];
  const add = (index: number, phase: PhaseBoundary['phase'], event: PhaseEvent, evidence: string) => boundaries.push({ step: rows[index]!.step, phase, event, evidence });

  const condensed = rows.findIndex((row) => valueOf(row, 'directionClusters') <= condensedClusters);
  if (condensed >= 0) {
    add(condensed, 1, 'condensation', `${valueOf(rows[condensed], 'directionClusters')} clusters (from ${valueOf(rows[0], 'directionClusters')}), ${valueOf(rows[condensed], 'livingNeurons')} living neurons`);
  }
  const initialLoss = valueOf(rows[0], 'loss');
  const escaped = rows.findIndex((row) => valueOf(row, 'loss') <= (1 - escapeDrop) * initialLoss);
  if (escaped >= 0) add(escaped, 1, 'saddle-escape', `loss ${valueOf(rows[escaped], 'loss').toPrecision(4)} <= ${1 - escapeDrop} x initial ${initialLoss.toPrecision(4)}`);

  // Phase II follows phase I: the longest run of equal accuracy below 1 (the first on ties) counted from the
  // condensation (from the first row without one); it starts at the saddle escape if that falls inside the run.
  let best = { start: -1, length: 0 };
  for (let start = Math.max(condensed, 0); start < rows.length; ) {
    const level = valueOf(rows[start], 'accuracy');
    let end = start + 1;
    while (end < rows.length && Math.abs(valueOf(rows[end], 'accuracy') - level) <= tolerance) end++;
    if (level < 1 - tolerance && end - start >= plateauMinRows && end - start > best.length) best = { start, length: end - start };
    start = end;
  }
  const plateauAccuracy = best.start >= 0 ? valueOf(rows[best.start], 'accuracy') : NaN;
  let afterPlateau = condensed;
  if (best.start >= 0) {
    afterPlateau = best.start;
    const endIndex = best.start + best.length - 1;
    // Saddle-to-plateau: the accuracy may sit at its plateau value already while the loss leaves the saddle; phase II
    // starts at the saddle escape when that falls inside the run.
    const startIndex = escaped > best.start && escaped <= endIndex ? escaped : best.start;
    add(startIndex, 2, 'plateau-start', `accuracy ${plateauAccuracy.toPrecision(4)} held for ${best.length} rows (steps ${rows[best.start]!.step} to ${rows[endIndex]!.step})`);
    best = { start: startIndex, length: endIndex - startIndex + 1 };
    const escapeIndex = rows.findIndex((row, i) => i > endIndex && valueOf(row, 'accuracy') > plateauAccuracy + tolerance);
    if (escapeIndex >= 0) add(escapeIndex, 2, 'plateau-escape', `accuracy ${valueOf(rows[escapeIndex], 'accuracy').toPrecision(4)} > plateau ${plateauAccuracy.toPrecision(4)}`);
  }

  if (afterPlateau >= 0) {
    const reference = valueOf(rows[afterPlateau], counted);
    const deactivated = rows.findIndex((row, i) => i > afterPlateau && valueOf(row, counted) <= reference - minChange);
    if (deactivated >= 0) {
      add(deactivated, 3, 'deactivation', `${counted} ${valueOf(rows[deactivated], counted)} < ${reference} at step ${rows[afterPlateau]!.step}`);
      let low = valueOf(rows[deactivated], counted);
      for (let i = deactivated + 1; i < rows.length; i++) {
        const count = valueOf(rows[i], counted);
        if (count >= low + minChange) {
          add(i, 4, 'reactivation', `${counted} ${count} > minimum ${low} after the deactivation`);
          break;
        }
        low = Math.min(low, count);
      }
    }
  }

  const ordered = boundaries.slice().sort((p, q) => p.step - q.step || p.phase - q.phase);
  const inOrder = ordered.every((boundary, i) => i === 0 || boundary.phase >= ordered[i - 1]!.phase);
  return { boundaries: ordered, plateauAccuracy, finalClusters: valueOf(rows.at(-1), 'directionClusters'), inOrder };
}
