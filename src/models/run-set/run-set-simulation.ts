/**
 * A run set as one Simulation: its parts (each a simulation over some of the members: a batched lane
 * stepping many networks in one set of dispatches, or one member on its own) step together, chunk by
 * chunk, so the scheduler drives a whole sweep as it drives one run. Member k of the set is member j of
 * the part that holds it; losses and metric rows come back in member order.
 */
import type { Checkpoint, MetricValues, Simulation } from '../../core/simulation';
import type { NetworkParameters } from '../../core/network';
import type { GpuContext } from '../../gpu/device';

/** A member's parameters as live GPU buffers in the single-run layout (a [m], W [m x d], b [m]), for views that draw them. */
export interface LiveMemberParameters extends NetworkParameters<GPUBuffer> {
  readonly gpu: GpuContext;
}

/** A part that can show its members' live parameters: a single GPU run (liveParameters) or a lane (memberLiveParameters). */
interface LiveParts {
  readonly liveParameters?: LiveMemberParameters;
  memberLiveParameters?(member: number): LiveMemberParameters;
}

export interface RunSetPart {
  /** The set's member indices this part steps, in the part's own member order. */
  readonly members: readonly number[];
  readonly simulation: Simulation<unknown>;
  /** Whether the part's weights (readWeights, checkpoints) list its members (a lane), or are one member's (a single run). */
  readonly listsMembers: boolean;
}

export class RunSetSimulation implements Simulation<readonly unknown[]> {
  readonly memberCount: number;
  /** Each part's rate as configured (parts are built fresh, before any restore): live rates keep these ratios. */
  private readonly configuredRates: readonly number[];
  /** Every part's GPU work not yet settled, as promises that never reject: destroy waits for them. */
  private readonly unsettled = new Set<Promise<void>>();

  constructor(private readonly parts: readonly RunSetPart[]) {
    this.memberCount = parts.reduce((count, part) => count + part.members.length, 0);
    this.configuredRates = parts.map((part) => part.simulation.learningRate);
    const covered = parts.flatMap((part) => part.members).sort((a, b) => a - b);
    if (covered.some((member, k) => member !== k)) throw new RangeError(`run set: parts must cover members 0..${this.memberCount - 1} once each, got ${covered.join(', ')}`);
    for (const part of parts) {
      if (part.simulation.memberCount !== part.members.length) throw new RangeError(`run set: a part steps ${part.simulation.memberCount} members but is given ${part.members.length}`);
    }
  }

  private get first(): Simulation<unknown> {
    return this.parts[0]!.simulation;
  }

  get backend() {
    return this.first.backend;
  }

  stepKernelOf(member: number): string | undefined {
    const part = this.parts.find((candidate) => candidate.members.includes(member));
    return part?.simulation.stepKernelOf?.(part.members.indexOf(member));
  }

  get device(): string {
    return this.first.device;
  }

  get stepsTaken(): number {
    return this.first.stepsTaken;
  }

  get reportsStepLoss(): boolean {
    return this.first.reportsStepLoss;
  }

  /** Member 0's part, and member 0's place in it. */
  private get leader(): RunSetPart {
    return this.parts.find((part) => part.members.includes(0))!;
  }

  get learningRate(): number {
    // A part's rate is its first member's; the leader's first member is member 0 (parts list members ascending).
    return this.leader.simulation.learningRate;
  }

  async submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    const chunks = await Promise.all(this.parts.map((part) => this.tracked(part.simulation.submitSteps(stepCount))));
    if (!this.reportsStepLoss) return [];
    const N = this.memberCount;
    const losses = new Float64Array(stepCount * N);
    this.parts.forEach((part, p) => {
      const chunk = chunks[p]!;
      const width = part.members.length;
      for (let t = 0; t < stepCount; t++) part.members.forEach((member, j) => (losses[t * N + member] = chunk[t * width + j]!));
    });
    return losses;
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    const rows: MetricValues[] = new Array(this.memberCount);
    const evaluated = await Promise.all(this.parts.map((part) => this.tracked(part.simulation.evaluate(names))));
    this.parts.forEach((part, p) => part.members.forEach((member, j) => (rows[member] = evaluated[p]![j]!)));
    return rows;
  }

  /**
   * Member 0 takes `learningRate`; every other part's rate is its configured rate times (member 0's new rate /
   * member 0's configured rate), the rule a lane applies to its own members (BatchedGpuSimulation): every rate is
   * a function of member 0's alone, so repeated changes never drift and a checkpoint's one rate restores them all.
   * With member 0 configured at 0 the others keep their configured rates. If a member cannot take its new rate
   * (InvalidLearningRateError), every part keeps its old one.
   */
  setLearningRate(learningRate: number): void {
    const base = this.configuredRates[this.parts.indexOf(this.leader)]!;
    const previous = this.parts.map((part) => part.simulation.learningRate);
    try {
      this.parts.forEach((part, p) => {
        const configured = this.configuredRates[p]!;
        part.simulation.setLearningRate(part === this.leader ? learningRate : base > 0 ? configured * (learningRate / base) : configured);
      });
    } catch (error) {
      this.parts.forEach((part, p) => part.simulation.setLearningRate(previous[p]!));
      throw error;
    }
  }

  async checkpoint(): Promise<Checkpoint<readonly unknown[]>> {
    const parts = await Promise.all(this.parts.map((part) => this.tracked(part.simulation.checkpoint())));
    return { backend: this.backend, stepsTaken: this.stepsTaken, learningRate: this.learningRate, weights: this.inMemberOrder(parts.map((part) => part.weights)), optimizerState: [], parts };
  }

  async restore(checkpoint: Checkpoint<readonly unknown[]>): Promise<void> {
    const saved = checkpoint.parts;
    if (!saved || saved.length !== this.parts.length) throw new RangeError(`run set: the checkpoint holds ${saved?.length ?? 0} parts, this set has ${this.parts.length}`);
    await Promise.all(this.parts.map((part, p) => this.tracked(part.simulation.restore(saved[p]!))));
    // A live rate handed in with the checkpoint (after a device loss) goes on.
    if (checkpoint.learningRate !== this.learningRate) this.setLearningRate(checkpoint.learningRate);
  }

  async readWeights(): Promise<readonly unknown[]> {
    return this.inMemberOrder(await Promise.all(this.parts.map((part) => this.tracked(part.simulation.readWeights()))));
  }

  /** Every part's weights (a list for a lane, one member's for a single run) as one list in member order. */
  private inMemberOrder(partWeights: readonly unknown[]): unknown[] {
    const members: unknown[] = new Array(this.memberCount);
    this.parts.forEach((part, p) => {
      const weights = partWeights[p];
      part.members.forEach((member, j) => (members[member] = part.listsMembers ? (weights as readonly unknown[])[j] : weights));
    });
    return members;
  }

  /**
   * Member k's live parameter buffers (GPU two-layer members), kept current as the set steps; undefined where a
   * part has none (float64, other model kinds).
   */
  memberLiveParameters(member: number): LiveMemberParameters | undefined {
    const part = this.parts.find((candidate) => candidate.members.includes(member));
    if (!part) throw new RangeError(`run set: member ${member} is not in [0, ${this.memberCount - 1}]`);
    const live = part.simulation as Simulation<unknown> & LiveParts;
    return part.listsMembers ? live.memberLiveParameters?.(part.members.indexOf(member)) : live.liveParameters;
  }

  /**
   * Member k's own simulation when it steps alone (a part of one member), for views of model kinds whose live
   * buffers are the simulation's own (landscape particles); undefined for a member of a lane.
   */
  memberSimulation(member: number): Simulation<unknown> | undefined {
    const part = this.parts.find((candidate) => candidate.members.includes(member));
    if (!part) throw new RangeError(`run set: member ${member} is not in [0, ${this.memberCount - 1}]`);
    return part.listsMembers ? undefined : part.simulation;
  }

  /**
   * Frees every part once its work in flight has settled. Parts may run on devices of their own: when one is lost,
   * the others' chunks, read-backs and checkpoints still run, and freeing their buffers under them would be a
   * validation error on a live device, which the next simulation on that device would take for its own.
   */
  destroy(): void {
    const free = () => this.parts.forEach((part) => part.simulation.destroy());
    if (this.unsettled.size === 0) free();
    else void Promise.all(this.unsettled).then(free);
  }

  /** `work` of one part, kept in `unsettled` until it settles. */
  private tracked<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(() => undefined, () => undefined);
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    return work;
  }
}
