/**
 * What the views of an app run draw from: the live buffers of the simulation being trained (a single GPU
 * run's, or each member's of a run set with that member's problem; a landscape run's particles); until the run's own exist, a stand-in
 * (the replaced run's last state, so a restart does not blank the views); and the simulations the run has
 * replaced (a batch-size switch, playing on after the end), freed only once the views have taken the new
 * buffers, because a view that draws a destroyed buffer stops.
 */
import type { NetworkParameters } from '../core/network';
import type { Simulation } from '../core/simulation';
import type { GpuContext } from '../gpu/device';
import { GpuSimulation } from '../models/two-layer/gpu-simulation';
import type { Problem } from '../models/two-layer/problem';
import { RunSetSimulation } from '../models/run-set/run-set-simulation';
import { GpuLandscapeSimulation, type LiveLandscapeBuffers } from '../models/landscape/gpu-simulation';

/** A landscape run's particles as live GPU buffers: positions [P x k] and stats [P x 4] (f(x_t) first). */
export type LiveLandscape = LiveLandscapeBuffers;

/** What the views draw from: the live buffers of the network being trained and its problem. */
export interface LiveNetwork extends NetworkParameters<GPUBuffer> {
  readonly gpu: GpuContext;
  readonly problem: Problem;
  /** The steps queued on these buffers so far: it changes whenever their contents will (a stand-in has none). */
  readonly version?: () => number;
}

/** Animation frames a view may still draw the old buffers after new ones were announced (one re-render, one frame). */
const FRAMES_BEFORE_FREEING = 2;

export class LiveBuffers {
  private simulation: GpuSimulation | undefined;
  /** A single landscape run on the GPU. */
  private landscape: GpuLandscapeSimulation | undefined;
  /** The run set's simulation (several members). */
  private set: RunSetSimulation | undefined;
  /** Each member's problem (data, teacher, network settings) for its views: run sets of two-layer GPU members. */
  private problems: readonly Problem[] | undefined;
  private readonly retired: Simulation<unknown>[] = [];

  constructor(
    private standIn: LiveNetwork | undefined,
    /** Resolves at the next animation frame (tests: a timer). */
    private readonly nextFrame: () => Promise<unknown>,
  ) {}

  /**
   * Member k's live buffers and problem; undefined before the run has them and for members without live buffers
   * (float64, model kinds other than two-layer). While `starting`, member 0 is the stand-in.
   */
  member(k: number, starting: boolean): LiveNetwork | undefined {
    if (k === 0 && starting && this.standIn) return this.standIn;
    const simulation = this.simulation;
    if (simulation) {
      if (k !== 0) return undefined;
      const { gpu, a, W, b } = simulation.liveParameters;
      return { gpu, a, W, ...(b ? { b } : {}), problem: simulation.trainedProblem, version: () => simulation.stepsTaken };
    }
    const set = this.set;
    const problem = this.problems?.[k];
    const parameters = problem ? set?.memberLiveParameters(k) : undefined;
    if (!parameters || !problem || !set) return undefined;
    const { gpu, a, W, b } = parameters;
    return { gpu, a, W, ...(b ? { b } : {}), problem, version: () => set.stepsTaken };
  }

  /**
   * Member k's landscape particles (a single GPU landscape run's, or a run set member's that steps on its own);
   * undefined before the run has them and for other model kinds or the float64 backend.
   */
  landscapeMember(k: number): LiveLandscape | undefined {
    if (this.landscape) return k === 0 ? this.landscape.liveParticles : undefined;
    const set = this.set;
    const member = set && Number.isInteger(k) && k >= 0 && k < set.memberCount ? set.memberSimulation(k) : undefined;
    return member instanceof GpuLandscapeSimulation ? member.liveParticles : undefined;
  }

  /**
   * Follows the run's current simulation (a new one after a device loss, a batch switch, playing on); true when
   * the buffers changed, so the views need new sources. The stand-in and the retired simulations go then.
   */
  follow(current: Simulation<unknown> | undefined): boolean {
    const simulation = current instanceof GpuSimulation ? current : undefined;
    const set = current instanceof RunSetSimulation ? current : undefined;
    const landscape = current instanceof GpuLandscapeSimulation ? current : undefined;
    if (simulation === this.simulation && set === this.set && landscape === this.landscape) return false;
    this.simulation = simulation;
    this.set = set;
    this.landscape = landscape;
    this.standIn = undefined;
    if (this.retired.length > 0) void this.freeRetired(current);
    return true;
  }

  /** The members' problems, once built (a run set's views). */
  setProblems(problems: readonly Problem[]): void {
    this.problems = problems;
  }

  /** The run failed: nothing of its own will come, and the stand-in's owner frees it. */
  dropStandIn(): void {
    this.standIn = undefined;
  }

  /** A simulation the run replaces: the views may draw it until they follow the next one. */
  retire(simulation: Simulation<unknown>): void {
    this.retired.push(simulation);
  }

  /** The run ends for good: frees the retired simulations; nothing is drawn from here on. */
  destroy(): void {
    for (const simulation of this.retired.splice(0)) simulation.destroy();
    this.simulation = undefined;
    this.set = undefined;
    this.landscape = undefined;
    this.standIn = undefined;
  }

  private async freeRetired(current: Simulation<unknown> | undefined): Promise<void> {
    for (let frame = 0; frame < FRAMES_BEFORE_FREEING; frame++) await this.nextFrame();
    for (const simulation of this.retired.splice(0)) if (simulation !== current) simulation.destroy();
  }
}
