/**
 * The big play/pause control above the views, as in TensorFlow Playground: one round button that plays a
 * paused run, pauses a running one and plays on after the end (the run controller decides what that means),
 * with Step and Rewind beside it and the run's state in words. The Run panel (Stop, speed, stop rule) is folded in
 * the sidebar; none of these controls is repeated there.
 */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { RunCommand } from '../gradflow-run-controls';

export interface Transport {
  readonly session: TrainingSession | undefined;
  /** The run's length, for "step 40 / 300" (undefined while the config is invalid and nothing runs). */
  readonly steps: number | undefined;
  /** Why nothing runs ('' when something does or is starting). */
  readonly blocked: boolean;
  readonly onCommand: (command: RunCommand) => void;
}

/** Ended runs: the play control plays on after those that ended well; the others only rewind. */
const ENDED: readonly string[] = ['completed', 'stopped', 'diverged', 'failed'];
const PLAYS_ON: readonly string[] = ['completed', 'stopped'];

/** The play control, Step, Rewind and the run's state, for the run on screen. */
export function transport({ session, steps, blocked, onCommand }: Transport) {
  const status = session?.status;
  const playing = status === 'running';
  const ended = status !== undefined && ENDED.includes(status);
  const ready = status === 'running' || status === 'paused';
  const playsOn = status !== undefined && PLAYS_ON.includes(status);
  const [command, label, icon]: [RunCommand, string, string] = playing ? ['pause', 'Pause', '❚❚'] : playsOn ? ['play', 'Play on', '▶'] : ['play', 'Play', '▶'];
  const step = session?.progress?.step ?? 0;
  const state = blocked && !session ? 'not running: fix the config (see above)'
    : !session || status === 'starting' ? 'starting…'
    : `${status} · step ${step}${steps !== undefined ? ` / ${steps}` : ''}${ended && session.message && session.message !== status ? ` — ${session.message}` : ''}`;
  return html`<div class="transport" role="toolbar" aria-label="Run">
      <button class="play ${playing ? 'playing' : ''}" data-testid="play" aria-label=${label} title=${label}
        ?disabled=${!ready && !(playsOn && session?.canContinue)} @click=${() => onCommand(command)}><span aria-hidden="true">${icon}</span></button>
      <button ?disabled=${!ready} @click=${() => onCommand('step')} title="Take one step (pauses)">Step</button>
      <button @click=${() => onCommand('rewind')} title="Start again from the same initialization">Rewind</button>
      <span class="run-state" data-testid="run-state" aria-live="polite">${state}</span>
      ${blocked && session ? html`<span class="muted">(the last valid config)</span>` : nothing}
    </div>`;
}
