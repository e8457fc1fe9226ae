/**
 * detectPhases on synthetic rows shaped like the four-phase picture, and on rows where phases are missing.
 */
import { describe, expect, it } from 'vitest';
import { detectPhases } from '../../src/experiments/phase-detection';

/** step, loss, accuracy, living, activatedOnNegative, clusters. */
const FOUR_PHASES: [number, number, number, number, number, number][] = [
  [0, 1.0, 0.4, 24, 40, 16],
  [100, 1.0, 0.6, 10, 40, 6],
  [200, 0.99, 0.6, 6, 40, 2], // condensed
  [300, 0.85, 0.6, 6, 40, 2], // saddle escape; plateau starts
  [400, 0.7, 0.6, 6, 40, 2],
  [500, 0.6, 0.6, 6, 40, 2],
  [600, 0.4, 0.9, 7, 40, 2], // plateau escape
  [700, 0.2, 1.0, 7, 34, 2], // deactivation
  [800, 0.1, 1.0, 7, 33, 2],
  [900, 0.05, 1.0, 8, 37, 2], // reactivation
  [1000, 0.03, 1.0, 8, 38, 2],
];
const rowsOf = (table: typeof FOUR_PHASES) =>
  table.map(([step, loss, accuracy, livingNeurons, activatedOnNegative, directionClusters]) => ({ step, loss, accuracy, livingNeurons, activatedOnNegative, directionClusters }));

describe('detectPhases', () => {
  it('finds the six boundaries of the four phases in order', () => {
    const result = detectPhases(rowsOf(FOUR_PHASES));
    expect(result.boundaries.map((b) => [b.event, b.step, b.phase])).toEqual([
      ['condensation', 200, 1],
      ['saddle-escape', 300, 1],
      ['plateau-start', 300, 2],
      ['plateau-escape', 600, 2],
      ['deactivation', 700, 3],
      ['reactivation', 900, 4],
    ]);
    expect(result.plateauAccuracy).toBe(0.6);
    expect(result.finalClusters).toBe(2);
    expect(result.inOrder).toBe(true);
    for (const b of result.boundaries) expect(b.evidence.length).toBeGreaterThan(0);
  });

  it('leaves out phases that do not show (no plateau, no deactivation)', () => {
    const rows = rowsOf(FOUR_PHASES).map((row) => ({ ...row, accuracy: row.step === 0 ? 0.5 : 1, activatedOnNegative: 40 }));
    const result = detectPhases(rows);
    expect(result.boundaries.map((b) => b.event)).toEqual(['condensation', 'saddle-escape']);
    expect(result.plateauAccuracy).toBeNaN();
    expect(result.inOrder).toBe(true);
  });

  it('requires plateauMinRows equal rows and minCountChange neurons', () => {
    const result = detectPhases(rowsOf(FOUR_PHASES), { plateauMinRows: 5, minCountChange: 5 });
    const events = result.boundaries.map((b) => b.event);
    expect(events).not.toContain('plateau-start');
    // With no plateau the deactivation is measured from the condensation row (40 -> 34, 6 >= 5); 33 -> 38 rises by 5.
    expect(events).toEqual(['condensation', 'saddle-escape', 'deactivation', 'reactivation']);
  });
  it('finds a deactivation logged in the same row as the plateau escape, and reads activationMetric', () => {
    const rows = rowsOf(FOUR_PHASES).map((row) => ({ ...row, count: row.step === 600 ? 30 : row.activatedOnNegative, activatedOnNegative: 40 }));
    const result = detectPhases(rows, { activationMetric: 'count' });
    const steps = Object.fromEntries(result.boundaries.map((b) => [b.event, b.step]));
    expect(steps['plateau-escape']).toBe(600);
    expect(steps.deactivation).toBe(600);
    expect(steps.reactivation).toBe(700);
    expect(result.inOrder).toBe(true);
  });
});
