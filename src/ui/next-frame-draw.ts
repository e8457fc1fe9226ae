/**
 * One draw on the next animation frame however many times it is asked for before then: a chart that gets a
 * value per logged step, a resize and a re-render in one frame draws once.
 */
export class NextFrameDraw {
  private frame = 0;

  /** `isLive` says whether drawing still makes sense (the element is in the document). */
  constructor(private readonly draw: () => void, private readonly isLive: () => boolean) {}

  /** Asks for a draw on the next frame (nothing if one is already asked for, or the element is gone). */
  schedule(): void {
    if (this.frame || !this.isLive()) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Drops an asked-for draw (the element left the document, or the caller draws now itself). */
  cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Draws now, in place of an asked-for draw (an export needs the current picture). */
  now(): void {
    this.cancel();
    this.draw();
  }
}
