/**
 * Logged rows that wait for the loss after their step. energyResidual at step t compares L_{t+1} - L_t with
 * the gradient at t (src/models/two-layer/energy-residual.ts): its row logs the ingredient (predictedDecrease)
 * and is complete only once step t + 1's loss is back. The CLI completes every row at the end
 * (PreparedRun.finishRows); the app charts rows as they come, so it holds such a row until that loss arrives,
 * then completes it the same way, so the app's rows are the CLI's.
 */
import type { ExperimentConfig } from '../config/schema';
import type { MetricsRow } from '../core/simulation';
import { withEnergyResidual } from '../models/two-layer/energy-residual';

export class RowCompletion {
  /** Whether the config's rows need the next step's loss (two-layer runs logging energyResidual). */
  readonly waitsForNextLoss: boolean;
  private readonly waiting: MetricsRow[] = [];

  constructor(private readonly config: ExperimentConfig) {
    this.waitsForNextLoss = config.model.kind === 'two-layer' && config.metrics.names.includes('energyResidual');
  }

  /** The step of the latest row held back, if any. */
  get lastWaitingStep(): number | undefined {
    return this.waiting.at(-1)?.step;
  }

  /** A newly logged row: the rows complete now, in step order (none while it waits for its next loss). */
  add(row: MetricsRow, stepLosses: readonly number[]): MetricsRow[] {
    if (!this.waitsForNextLoss) return [row];
    this.waiting.push(row);
    return this.settle(stepLosses);
  }

  /** The rows that new step losses complete (the losses before steps t and t + 1 are both known). */
  settle(stepLosses: readonly number[]): MetricsRow[] {
    let ready = 0;
    while (ready < this.waiting.length && stepLosses.length > this.waiting[ready]!.step + 1) ready++;
    return this.complete(this.waiting.splice(0, ready), stepLosses);
  }

  /** The run ended: every row still held, completed with what is known (NaN where the next loss never came, as in the CLI). */
  flush(stepLosses: readonly number[]): MetricsRow[] {
    return this.complete(this.waiting.splice(0), stepLosses);
  }

  /** Forgets the held rows after `step` (the run goes on from a checkpoint there). */
  dropAfter(step: number): void {
    while (this.waiting.length > 0 && this.waiting.at(-1)!.step > step) this.waiting.pop();
  }

  private complete(rows: MetricsRow[], stepLosses: readonly number[]): MetricsRow[] {
    return rows.length === 0 ? rows : withEnergyResidual(rows, stepLosses, this.config);
  }
}
