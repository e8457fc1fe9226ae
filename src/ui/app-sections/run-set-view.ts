/**
 * What a run set adds to the page: the members' colours and dashes, the member in the big views, the small
 * multiples (drawn about as often as the set's chunks land) and the preset's summary panels.
 */
import type { TrainingSession } from '../../app/training-session';
import type { SharedAxesController } from '../controllers/shared-axes-controller';
import type { RawConfig } from '../controllers/config-controller';
import { memoized } from '../memo';
import { summaryPanels, type SummaryPanel } from '../summary-data';
import { memberStyles, sweepScales, type MemberStyle, type SweepScales } from '../sweep-style';
import type { MemberViewSources } from '../view-sources';
import { memberViews } from './member-views';

/** The small multiples' frame-rate cap: they are small, and each frame of each is a canvas to composite. */
const SMALL_VIEW_MAX_FPS = 12;
/** The least frame rate of a run set's views while it trains (and the margin over its chunk rate). */
const SET_VIEW_MIN_FPS = 2;
const SET_VIEW_FPS_MARGIN = 1.5;

/**
 * How often a run set's particle views draw: while it trains, about as often as a chunk of steps lands (the
 * particles only move then; every extra frame is compositing work that, on a software GPU, the training waits
 * for), at least SET_VIEW_MIN_FPS; paused or ended, every frame (zoom and pan stay smooth).
 */
export function setViewFps(session: Pick<TrainingSession, 'status' | 'progress' | 'stepsPerFrame'>): number {
  const stepsPerSecond = session.progress?.stepsPerSecond;
  if (session.status !== 'running' || !stepsPerSecond || !(stepsPerSecond > 0)) return Infinity;
  return Math.max(SET_VIEW_MIN_FPS, Math.round((SET_VIEW_FPS_MARGIN * stepsPerSecond) / Math.max(1, session.stepsPerFrame)));
}

/** The member a user clicked among the small multiples, for the run it was clicked in. */
export interface ChosenMember {
  readonly session: TrainingSession;
  readonly member: number;
}

export interface RunSetView {
  readonly session: TrainingSession;
  readonly presetName: string | undefined;
  readonly dark: boolean;
  /** The raw config being edited: its own swept values pick the member shown first. */
  readonly raw: RawConfig;
  readonly chosen: ChosenMember | undefined;
  readonly onChoose: (chosen: ChosenMember) => void;
  readonly projection: string;
  readonly sharedAxes: SharedAxesController;
  readonly memberSources: MemberViewSources;
}

/** A run set's styles, focused member, small multiples and summary panels, for this frame. */
export function runSetView({ session, presetName, dark, raw, chosen, onChoose, projection, sharedAxes, memberSources }: RunSetView) {
  const sweep = session.config.sweep ?? {};
  const scales: SweepScales | undefined = sweepScales(sweep);
  const styles: MemberStyle[] = memberStyles(scales, session.members, dark);
  const member = focusedMember(session, chosen, raw);
  const focused = { index: member, label: session.members[member]!.label, color: styles[member]!.color };
  const logged = session.members.map((member) => member.rows.length).join(',');
  const panels: SummaryPanel[] = memoized(session.members, 'summary', `${presetName}|${logged}`, () => summaryPanels(presetName, sweep, session.members));
  sharedAxes.follow(session, projection === 'pca' ? 'plane' : projection);
  const viewFps = setViewFps(session);
  const multiples = session.members.length > 1 && (session.config.model.kind === 'two-layer' || session.config.model.kind === 'landscape')
    ? memberViews({ session, styles, focus: member, onFocus: (k) => onChoose({ session, member: k }), sources: memberSources, projection, fitBox: sharedAxes.box, maxFps: Math.min(viewFps, SMALL_VIEW_MAX_FPS) })
    : undefined;
  return { dark, scales, styles, focused, panels, multiples, viewFps };
}

/**
 * The member in the big views: the one chosen for this run, else the member whose swept values are the
 * preset config's own (lazy-vs-rich: its m = 1024 ntk run), else the first.
 */
function focusedMember(session: TrainingSession, chosen: ChosenMember | undefined, raw: RawConfig): number {
  if (chosen?.session === session && chosen.member < session.members.length) return chosen.member;
  const valueAt = (path: string) => path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), raw);
  const own = session.members.findIndex((member) => Object.entries(member.overrides).every(([path, value]) => JSON.stringify(valueAt(path)) === JSON.stringify(value)));
  return Math.max(0, own);
}
