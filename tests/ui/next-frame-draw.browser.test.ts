import { describe, expect, it } from 'vitest';
import { NextFrameDraw } from '../../src/ui/next-frame-draw';

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

describe('NextFrameDraw', () => {
  it('draws once on the next frame however often it is asked, not at all when cancelled or not live, and at once with now()', async () => {
    let draws = 0;
    let live = true;
    const drawing = new NextFrameDraw(() => (draws += 1), () => live);
    drawing.schedule();
    drawing.schedule();
    drawing.schedule();
    expect(draws).toBe(0);
    await nextFrame();
    await nextFrame();
    expect(draws).toBe(1);

    drawing.schedule();
    drawing.cancel();
    await nextFrame();
    await nextFrame();
    expect(draws).toBe(1);

    live = false;
    drawing.schedule();
    await nextFrame();
    await nextFrame();
    expect(draws).toBe(1);

    live = true;
    drawing.schedule();
    drawing.now();
    expect(draws).toBe(2);
    await nextFrame();
    await nextFrame();
    expect(draws).toBe(2); // now() took the place of the asked-for draw
  });
});
