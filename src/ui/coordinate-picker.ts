/**
 * The particle view's picker for projection="coordinates": two selects choosing which coordinates of w_j
 * are the x and the y axis (the landscape view's, of a particle x_p). Choosing for one axis the coordinate the other shows swaps them, so the two
 * stay distinct (parseCoordinates would otherwise fall back to (0, 1)).
 */
import { html } from 'lit';
import { coordinateName } from './projection-labels';

/** The pair after choosing `k` for `axis` (0: x, 1: y) from `current`. */
export function chooseCoordinate(current: readonly [number, number], axis: 0 | 1, k: number): [number, number] {
  const other = current[1 - axis]!;
  const next: [number, number] = [...current] as [number, number];
  next[axis] = k;
  if (k === other) next[1 - axis] = current[axis]!;
  return next;
}

/** Two labelled selects over the d coordinates, named by `name` (default: a neuron's w_jk); `onChange` gets the new (i, j). */
export function coordinatePicker(inputDim: number, current: readonly [number, number], onChange: (coords: [number, number]) => void, name: (k: number) => string = coordinateName) {
  const options = (selected: number) => Array.from({ length: inputDim }, (_, k) => html`<option value=${k} ?selected=${k === selected}>${name(k)}</option>`);
  const select = (axis: 0 | 1) => html`<label>${axis === 0 ? 'x' : 'y'}
      <select data-testid=${axis === 0 ? 'coord-x' : 'coord-y'} aria-label=${`${axis === 0 ? 'x' : 'y'} axis coordinate`} .value=${String(current[axis])}
        @change=${(e: Event) => onChange(chooseCoordinate(current, axis, Number((e.target as HTMLSelectElement).value)))}>${options(current[axis]!)}</select></label>`;
  return html`<div class="coords" role="group" aria-label="coordinates shown">${select(0)} ${select(1)}</div>`;
}
