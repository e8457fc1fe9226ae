/**
 * A run set's small multiples: one small particle view per member, drawn from that member's live buffers on
 * shared axes (every view's auto-fit includes one common box, src/ui/controllers/shared-axes-controller.ts), or for
 * landscape members one small landscape view each (fitted on its own: its particles over its f),
 * labelled and outlined in the member's colour (without the teacher's rings, which would fill a small view). Clicking
 * one (or Enter on it) focuses it in the big view. Laid out in rows of up to four (2 x 4 widths: a row per scaling).
 * Members without live buffers (float64, model kinds without particles) show a note instead.
 */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import { formatSweptValue, type MemberStyle } from '../sweep-style';
import type { MemberViewSources } from '../view-sources';
import '../gradflow-landscape-view';

export interface MemberViews {
  readonly session: TrainingSession;
  readonly styles: readonly MemberStyle[];
  /** The member shown in the big view. */
  readonly focus: number;
  readonly onFocus: (member: number) => void;
  readonly sources: MemberViewSources;
  readonly projection: string;
  /** The shared box every small view includes (undefined until the first bounds are read). */
  readonly fitBox: readonly [number, number, number, number] | undefined;
  /** At most this many frames a second per small view. */
  readonly maxFps: number;
}

export function memberViews({ session, styles, focus, onFocus, sources, projection, fitBox, maxFps }: MemberViews) {
  // PCA is a basis per member: shared axes would mean nothing there, so the small views keep the plane.
  const shared = projection === 'pca' ? 'plane' : projection;
  return html`
    <div class="view members">
      <h2>Every member <span class="muted">(${session.config.model.kind === 'landscape' ? 'each over its landscape' : 'shared axes'}; click one to focus it)</span></h2>
      <div class="multiples" role="list" data-testid="small-multiples" style=${`--columns: ${multipleColumns(session.members.length)}`}>
        ${session.members.map((member) => {
          const live = session.memberLive(member.index);
          const landscape = member.config.model.kind === 'landscape' ? session.memberLandscape(member.index) : undefined;
          const style = styles[member.index];
          const view = live
            ? html`<gradflow-particle-view class="mini" bare data-testid="member-view" .source=${sources.smallSourceFor(member.index, live, member.config)}
                projection=${shared} point-size="1.5" max-fps=${maxFps} .fitBox=${fitBox}></gradflow-particle-view>`
            : landscape && member.config.model.kind === 'landscape'
              ? html`<gradflow-landscape-view class="mini" bare data-testid="member-view" .source=${sources.landscapeSourceFor(member.index, landscape, member.config.model)}
                  point-size="1.5" max-fps=${maxFps}></gradflow-landscape-view>`
              : html`<div class="mini-note" data-testid="member-view-note">${noLiveNote(session, member.index)}</div>`;
          return html`<button class="multiple ${member.index === focus ? 'focused' : ''}" role="listitem" data-testid="member-multiple" data-member=${member.index}
              aria-pressed=${member.index === focus ? 'true' : 'false'} aria-label=${`Focus member ${member.label}`}
              style=${style ? `--member-color: ${style.color}` : ''} @click=${() => onFocus(member.index)}>
              ${view}
              <span class="multiple-label" title=${member.label}><i class="chip" style=${style ? `background: ${style.color}` : ''}></i>${valuesLabel(member.overrides)}</span>
            </button>`;
        })}
      </div>
    </div>`;
}

/** Columns of the small multiples: as many as fit rows of at most four, evenly (8: 4 x 2, 6: 3 x 2, 5: 3 + 2). */
export function multipleColumns(count: number): number {
  return Math.max(1, Math.ceil(count / Math.ceil(count / 4)));
}

/** A member's swept values alone ("1024 · ntk"): the legend names the paths. */
export function valuesLabel(overrides: Record<string, unknown>): string {
  return Object.values(overrides).map(formatSweptValue).join(' · ');
}

function noLiveNote(session: TrainingSession, member: number) {
  const config = session.members[member]?.config;
  if (!config) return nothing;
  if (config.model.kind !== 'two-layer' && config.model.kind !== 'landscape') return 'no particles to draw for this model';
  if (config.backend === 'float64') return 'float64 (CPU): no live GPU buffers';
  return session.status === 'failed' ? 'not running' : 'starting…';
}
