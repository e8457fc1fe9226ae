/**
 * The view of a landscape run (src/core/landscape.ts: every particle an independent optimizer run), drawn straight
 * from the run's GPU buffers: the particles on the landscape's f (the curve for k = 1, a heat map for k = 2) or in two
 * chosen coordinates (k >= 3). In a run set it shows the focused member.
 */
import { html, nothing } from 'lit';
import type { LiveLandscape } from '../../app/training-session';
import type { LandscapeModel } from '../../config/model-kinds';
import { landscapeDimOf } from '../../core/landscape';
import type { LandscapeSourceCache } from '../landscape-source';
import { saveSectionPng } from './save-png';
import '../gradflow-landscape-view';

export interface LandscapeViews {
  readonly live: LiveLandscape;
  readonly model: LandscapeModel;
  /** Keeps the view's source (hence its renderer) across re-renders. */
  readonly sources: LandscapeSourceCache;
  /** A run set's focused member: its label and colour; absent for a single run. */
  readonly member?: { readonly label: string; readonly color: string } | undefined;
  /** At most this many frames a second (a run set: about its chunk rate); default every frame. */
  readonly maxFps?: number | undefined;
}

/**
 * Characters of a member's label shown in the head (a swept start of 64 points would be thousands); the title holds
 * it all. The label wraps anywhere: unbroken, it would widen the view past a phone's screen.
 */
const LABEL_CHARACTERS = 60;

function shortLabel(label: string): string {
  return label.length <= LABEL_CHARACTERS ? label : `${label.slice(0, LABEL_CHARACTERS - 1)}…`;
}

/** What the plot shows, in words, under it. */
function caption(model: LandscapeModel): string {
  const k = landscapeDimOf(model.spec);
  const runs = `Each disc is one of the ${model.spec.particleCount.toLocaleString('en-US')} independent runs`;
  if (k === 1) return `${runs}, at (x, f(x)) on the curve f.`;
  if (k === 2) return `${runs}, at its point (x_1, x_2) over the heat map of f.`;
  return `${runs}: two of its ${k} coordinates, chosen above the plot.`;
}

export function landscapeViews({ live, model, sources, member, maxFps }: LandscapeViews) {
  return html`
    <div class="view">
      <div class="view-head">
        <h2>Runs on the landscape${member ? html` <span class="member-name" data-testid="focused-member" title=${member.label} style="white-space: normal; overflow-wrap: anywhere"><i class="chip" style="background:${member.color}"></i>${shortLabel(member.label)}</span>` : nothing}</h2>
        <div class="view-tools">
          <button @click=${(e: Event) => saveSectionPng(e, 'gradflow-landscape-view', 'landscape.png')}>PNG</button>
        </div>
      </div>
      <gradflow-landscape-view data-testid="landscape-view" .source=${sources.sourceFor(live, model)} max-fps=${maxFps ?? Infinity}></gradflow-landscape-view>
      <span class="muted caption">${caption(model)}</span>
    </div>`;
}
