/**
 * The two views of a two-layer run, drawn straight from its training buffers: the neurons as particles
 * (with the projection and trails options) and, for d <= 2, the network function (with draw mode at d = 2);
 * a landscape run's particles on its landscape (./landscape-views.ts). In a run set they show the focused
 * member (chosen among the small multiples).
 */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { ExperimentConfig } from '../../config/schema';
import { DRAW_EXTENT, type DrawingController } from '../controllers/drawing-controller';
import type { ViewSourceCache } from '../view-sources';
import { saveSectionPng } from './save-png';
import { landscapeViews } from './landscape-views';

export const PROJECTIONS = ['plane', 'coordinates', 'teacher', 'pca', 'polar'] as const;

export interface TrainingViews {
  readonly session: TrainingSession | undefined;
  /** The app's current valid config (says what a run without views is). */
  readonly config: ExperimentConfig | undefined;
  /** The config is invalid and nothing runs: say so where the views would be. */
  readonly blocked?: boolean;
  /** Keeps the views' sources (hence their renderers) across re-renders. */
  readonly sources: ViewSourceCache;
  readonly projection: string;
  readonly trails: boolean;
  readonly onProjection: (projection: string) => void;
  readonly onTrails: (trails: boolean) => void;
  readonly drawing: DrawingController;
  /** A run set's focused member: its index, label and colour; absent for a single run. */
  readonly member?: { readonly index: number; readonly label: string; readonly color: string };
  /** At most this many frames a second for the particle view (a run set: about its chunk rate); default every frame. */
  readonly maxFps?: number;
}

export function trainingViews({ session, config: appConfig, blocked, sources, projection, trails, onProjection, onTrails, drawing, member, maxFps }: TrainingViews) {
  const live = member ? session?.memberLive(member.index) : session?.live;
  const config = member ? session?.members[member.index]?.config : session?.config;
  const landscape = config?.model.kind === 'landscape' ? session?.memberLandscape(member?.index ?? 0) : undefined;
  if (landscape && config?.model.kind === 'landscape') return landscapeViews({ live: landscape, model: config.model, sources: sources.landscape, member, maxFps });
  if (!live || !config || config.model.kind !== 'two-layer') {
    const noParticles = appConfig && appConfig.model.kind !== 'two-layer' && appConfig.model.kind !== 'landscape';
    const float64 = session && config?.backend === 'float64';
    const note = blocked && !session ? 'Nothing runs: the config has a problem (named in the banner above and marked in the form).'
      : session?.status === 'failed' ? 'Not running: the run failed (the banner above says why).'
      : float64 ? 'The float64 backend trains on the CPU: no live GPU buffers to draw; the metrics are charted below.'
      : noParticles ? 'This model has no particles to draw: its metrics are charted below.' : 'Starting WebGPU…';
    return html`<p class="muted" data-testid="views-note">${note}</p>`;
  }
  const { problem } = live;
  const d = problem.trainer.inputDim;
  const { particle: particleSource, function: functionSource } = sources.sourcesFor(live, config);
  return html`
      <div class="view">
        <div class="view-head">
          <h2>Neurons as particles${member ? html` <span class="member-name" data-testid="focused-member"><i class="chip" style="background:${member.color}"></i>${member.label}</span>` : nothing}</h2>
          <div class="view-tools">
            <label for="projection">view</label>
            <select id="projection" .value=${projection} @change=${(e: Event) => onProjection((e.target as HTMLSelectElement).value)}>
              ${PROJECTIONS.map((p) => html`<option value=${p} ?selected=${p === projection}>${p}</option>`)}
            </select>
            <label><input type="checkbox" .checked=${trails} @change=${(e: Event) => onTrails((e.target as HTMLInputElement).checked)} /> trails</label>
            <button @click=${(e: Event) => saveSectionPng(e, 'gradflow-particle-view', 'particles.png')}>PNG</button>
          </div>
        </div>
        <gradflow-particle-view data-testid="particle-view" .source=${particleSource} projection=${projection} ?trails=${trails} max-fps=${maxFps ?? Infinity}></gradflow-particle-view>
        <span class="muted caption">Wheel zooms, drag pans, double-click resets, click a particle for its values.</span>
      </div>
      ${d <= 2 ? html`
        <div class="view">
          <div class="view-head">
            <h2>Network function${member ? html` <span class="member-name"><i class="chip" style="background:${member.color}"></i>${member.label}</span>` : nothing}</h2>
            <div class="view-tools">
              <button @click=${(e: Event) => saveSectionPng(e, 'gradflow-function-view', 'function.png')}>PNG</button>
              ${d === 2 ? html`<label><input type="checkbox" data-testid="draw-mode" .checked=${drawing.active} @change=${(e: Event) => drawing.setActive((e.target as HTMLInputElement).checked)} /> draw points</label>
                ${drawing.points.length > 0 ? html`<button @click=${() => drawing.clear()}>clear drawn</button>` : nothing}` : nothing}
            </div>
          </div>
          <gradflow-function-view data-testid="function-view" .source=${functionSource} extent=${drawing.active ? DRAW_EXTENT : ''}
            @click=${drawing.onClick} style=${drawing.active ? 'cursor: crosshair' : ''}></gradflow-function-view>
          <span class="muted caption">${drawing.active ? 'Click to add a point with y = +1, shift-click for y = -1; the network retrains on the drawn points. ' : ''}${d === 2 ? 'f(x) over the input plane with the training points' : 'f(x) with the training points'}${problem.trainer.centered ? '; drawn without the centering - f(x; theta_0)' : ''}.</span>
        </div>` : nothing}
    `;
}
