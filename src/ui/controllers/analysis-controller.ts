/**
 * The "Analyze the current parameters" panel's state: one analysis at a time of the session on screen, its
 * progress in words, then its result or its error. What belongs to a run that was replaced meanwhile (a rewind,
 * a new config) is dropped: the panel only ever shows the current run's analysis.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AnalysisRefusedError, analyzeMember, type AnalysisOptions, type ParameterAnalysis } from '../../app/parameter-analysis';
import type { TrainingSession } from '../../app/training-session';
import type { ReadText } from '../../data/create';
import { messageOf } from './error-message';

export type AnalysisState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'working'; readonly session: TrainingSession; readonly member: number; readonly progress: string }
  | { readonly phase: 'done'; readonly session: TrainingSession; readonly result: ParameterAnalysis }
  | { readonly phase: 'failed'; readonly session: TrainingSession; readonly message: string };

export interface AnalysisControllerOptions {
  readonly readText?: ReadText;
  /** The analysis (tests: with their own pace). */
  readonly analyze?: (session: TrainingSession, member: number, options: AnalysisOptions) => Promise<ParameterAnalysis>;
}

const IDLE: AnalysisState = { phase: 'idle' };

export class AnalysisController implements ReactiveController {
  private current: AnalysisState = IDLE;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: AnalysisControllerOptions = {},
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.current = IDLE;
  }

  /** What the panel shows for `session`: idle unless the latest analysis was of it. */
  stateFor(session: TrainingSession | undefined): AnalysisState {
    return 'session' in this.current && this.current.session === session ? this.current : IDLE;
  }

  /** Analyzes member `member` of `session` now; ignored while an analysis of the same run is under way. */
  async analyze(session: TrainingSession, member: number): Promise<void> {
    if (this.stateFor(session).phase === 'working') return;
    const mine: { state: AnalysisState } = { state: { phase: 'working', session, member, progress: 'starting' } };
    this.set(mine.state);
    const still = () => this.current === mine.state;
    const progress = (message: string) => {
      if (!still()) return;
      mine.state = { phase: 'working', session, member, progress: message };
      this.set(mine.state);
    };
    const analyze = this.options.analyze ?? analyzeMember;
    try {
      const result = await analyze(session, member, { onProgress: progress, ...(this.options.readText ? { readText: this.options.readText } : {}) });
      if (still()) this.set({ phase: 'done', session, result });
    } catch (error) {
      // A refusal is written for the page; anything else keeps its name (DeviceLostError, KernelArgumentError, ...).
      const named = error instanceof Error && !(error instanceof AnalysisRefusedError) ? `${error.name}: ` : '';
      if (still()) this.set({ phase: 'failed', session, message: `${named}${messageOf(error)}` });
    }
  }

  private set(state: AnalysisState): void {
    this.current = state;
    this.host.requestUpdate();
  }
}
