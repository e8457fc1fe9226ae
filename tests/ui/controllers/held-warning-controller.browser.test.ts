import { render } from 'lit';
import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { runBanners, stabilityWarning } from '../../../src/ui/app-sections/run-banners';
import { HeldWarningController, WARNING_HOLD_MS } from '../../../src/ui/controllers/held-warning-controller';
import { fakeHost } from './fake-host';

/** A clock the test moves by hand. */
function clock() {
  let nowMs = 0;
  return { now: () => nowMs, at: (ms: number) => void (nowMs = ms) };
}

describe('HeldWarningController (a warning stays readable while its condition flickers)', () => {
  it('keeps a warning until its condition has been false for the hold time, then drops it', () => {
    const time = clock();
    const held = new HeldWarningController(fakeHost(), WARNING_HOLD_MS, time.now);
    const key = ['run 1', 0.5];
    expect(held.show('lr past 2 / sharpness', key)).toBe('lr past 2 / sharpness');
    time.at(100);
    expect(held.show('', key)).toBe('lr past 2 / sharpness'); // the condition flickered off for one frame
    time.at(200);
    expect(held.show('lr past 2 / sharpness', key)).toBe('lr past 2 / sharpness'); // and on again: the hold starts anew
    time.at(200 + WARNING_HOLD_MS - 1);
    expect(held.show('', key)).toBe('lr past 2 / sharpness');
    time.at(200 + WARNING_HOLD_MS + 1);
    expect(held.show('', key)).toBe('');
    expect(held.show('', key)).toBe('');
  });

  it('drops the warning at once when its key changes: the user set another learning rate, or a new run started', () => {
    const time = clock();
    const held = new HeldWarningController(fakeHost(), WARNING_HOLD_MS, time.now);
    held.show('the loss is rising', ['run 1', 0.5]);
    time.at(10);
    expect(held.show('', ['run 1', 0.1])).toBe('');
    held.show('the loss is rising', ['run 1', 0.1]);
    expect(held.show('', ['run 2', 0.1])).toBe('');
  });

  it('asks its host to re-render when the hold is over (a paused run draws no frames that would)', async () => {
    const host = fakeHost();
    const held = new HeldWarningController(host, 30);
    held.show('warning', ['k']);
    const before = host.updates;
    expect(held.show('', ['k'])).toBe('warning');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(host.updates).toBe(before + 1);
    expect(held.show('', ['k'])).toBe('');
    held.hostDisconnected();
  });
});

describe('the learning-rate warning banner', () => {
  const config = parseConfig({ steps: 100, model: { width: 8 }, optimizer: { learningRate: 0.1 } });
  const rising = Array.from({ length: 41 }, (_, t) => Math.exp(t / 10));
  const session = (stepLosses: number[], status: TrainingSession['status'] = 'running') =>
    ({ config, status, rows: [], stepLosses, isSet: false, members: [], events: [] }) as unknown as TrainingSession;

  /** The warning banner's text as the page would show it, '' when there is none. */
  function shown(banners: ReturnType<typeof runBanners>): string {
    const root = document.createElement('div');
    render(banners, root);
    return root.querySelector('[data-testid="stability-warning"]')?.textContent ?? '';
  }

  it('stays up after the loss stops rising, for the hold time, and not beside the diverged banner', () => {
    const time = clock();
    const held = new HeldWarningController(fakeHost(), WARNING_HOLD_MS, time.now);
    const hold = (warning: string) => held.show(warning, ['run', 0.1]);
    expect(shown(runBanners(session(rising), hold))).toMatch(/^The loss is rising/);
    // One frame later the 20-step window no longer shows a fourfold rise: before, the banner went at once.
    const settled = [...rising, 1];
    expect(stabilityWarning(session(settled))).toBe('');
    time.at(1000);
    expect(shown(runBanners(session(settled), hold))).toMatch(/^The loss is rising/);
    time.at(WARNING_HOLD_MS + 10);
    expect(shown(runBanners(session(settled), hold))).toBe('');
    time.at(WARNING_HOLD_MS + 20);
    shown(runBanners(session(rising), hold));
    expect(shown(runBanners(session([...rising, Infinity], 'diverged'), hold))).toBe('');
  });
});
