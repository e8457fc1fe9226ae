/**
 * The particle and function views' sources for a live run, made once per set of live buffers: a view
 * rebuilds its renderer (pipelines, bind groups) whenever its `source` is a new object, so an app that
 * re-renders every frame must hand it the same object until the buffers or the config really change.
 */
import type { LiveLandscape, LiveNetwork } from '../app/training-session';
import type { LandscapeModel } from '../config/model-kinds';
import type { ExperimentConfig } from '../config/schema';
import { combinedOutputScale } from '../core/conventions';
import type { FunctionSource, ParticleSource } from './particle-source';
import { LandscapeSourceCache, type LandscapeSource } from './landscape-source';

export interface ViewSources {
  readonly particle: ParticleSource;
  readonly function: FunctionSource;
}

/** Builds ViewSources, returning the previous pair while the live buffers, problem and config are the same. */
export class ViewSourceCache {
  private last: { live: LiveNetwork; config: ExperimentConfig; sources: ViewSources } | undefined;
  /** The landscape view's source of a landscape run (src/ui/landscape-source.ts). */
  readonly landscape = new LandscapeSourceCache();

  sourcesFor(live: LiveNetwork, config: ExperimentConfig): ViewSources {
    const last = this.last;
    if (last && last.config === config && sameLiveNetwork(last.live, live)) return last.sources;
    const sources = buildViewSources(live, config);
    this.last = { live, config, sources };
    return sources;
  }
}

/** One ViewSourceCache per member of a run set (its views keep their renderers while its buffers stay). */
export class MemberViewSources {
  private readonly caches = new Map<number, ViewSourceCache>();
  private readonly small = new WeakMap<ParticleSource, ParticleSource>();

  /** The member's landscape particles for its small view (a run set of landscape members). */
  landscapeSourceFor(member: number, live: LiveLandscape, model: LandscapeModel): LandscapeSource {
    return this.cacheOf(member).landscape.sourceFor(live, model);
  }

  private cacheOf(member: number): ViewSourceCache {
    let cache = this.caches.get(member);
    if (!cache) this.caches.set(member, (cache = new ViewSourceCache()));
    return cache;
  }

  sourcesFor(member: number, live: LiveNetwork, config: ExperimentConfig): ViewSources {
    return this.cacheOf(member).sourcesFor(live, config);
  }

  /** The member's particles for a small view: without the teacher and target overlays, whose rings would fill it. */
  smallSourceFor(member: number, live: LiveNetwork, config: ExperimentConfig): ParticleSource {
    const { particle } = this.sourcesFor(member, live, config);
    let small = this.small.get(particle);
    if (!small) {
      const { teacher: _teacher, target: _target, ...rest } = particle;
      this.small.set(particle, (small = rest));
    }
    return small;
  }
}

function sameLiveNetwork(x: LiveNetwork, y: LiveNetwork): boolean {
  return x.gpu.device === y.gpu.device && x.a === y.a && x.W === y.W && x.b === y.b && x.problem === y.problem;
}

export function buildViewSources(live: LiveNetwork, config: ExperimentConfig): ViewSources {
  const { problem } = live;
  const { width, inputDim } = problem.trainer;
  const common = { device: live.gpu.device, a: live.a, W: live.W, width, inputDim, ...(live.version ? { version: live.version } : {}) };
  const teacher = problem.target?.kind === 'teacher' ? { W: problem.target.teacher.W, a: problem.target.teacher.a } : undefined;
  const target = config.metrics.w2?.target;
  return {
    particle: {
      ...common,
      ...(teacher ? { teacher } : {}),
      ...(target ? { target: target.kind === 'uniform-circle' ? { kind: 'uniform-circle' } : { kind: 'points', points: target.points } } : {}),
      data: { X: problem.train.X },
    },
    function: {
      ...common,
      ...(live.b ? { b: live.b } : {}),
      scale: combinedOutputScale(problem.trainer),
      data: problem.train,
    },
  };
}
