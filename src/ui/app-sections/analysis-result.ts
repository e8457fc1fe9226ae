/**
 * One analysis of the current parameters on the page: which step and member it is of, the NTK Gram's and the
 * Hessian's leading eigenvalues and traces in two small tables, and both spectra as charts (index against
 * eigenvalue, log axis; src/ui/spectrum-panels.ts).
 */
import { html, nothing } from 'lit';
import type { ParameterAnalysis } from '../../app/parameter-analysis';
import { memoized } from '../memo';
import { hessianSpectrumPanel, ntkSpectrumPanel } from '../spectrum-panels';

/** Eigenvalues listed in the tables (the charts show every one found). */
const LISTED = 5;
const CHART_HEIGHT_PX = 170;

/** Six significant digits: enough to compare, short enough for the side panel. */
export const shownNumber = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(6)).toString() : String(value));

export function analysisResult(result: ParameterAnalysis) {
  const { ntk, hessian, sampleCount: n } = result;
  const parts = [
    { name: 'K', testId: 'K', values: ntk.eigenvalues, trace: ntk.trace },
    ...(ntk.eigenvaluesA ? [{ name: 'K^(a)', testId: 'a', values: ntk.eigenvaluesA, trace: ntk.traceA }] : []),
    ...(ntk.eigenvaluesW ? [{ name: 'K^(w)', testId: 'w', values: ntk.eigenvaluesW, trace: ntk.traceW }] : []),
  ];
  const listed = Math.min(LISTED, n);
  const cell = (value: number, testId: string, index: number, part?: string) =>
    html`<td data-testid=${testId} data-index=${index} data-part=${part ?? nothing}>${shownNumber(value)}</td>`;
  const panels = memoized(result, 'panels', '', () => ({ ntk: ntkSpectrumPanel(result), hessian: hessianSpectrumPanel(result) }));
  const factor = hessian.particleTimeFactor;
  const how = hessian.method === 'dense' ? `every eigenvalue of the dense ${hessian.size} x ${hessian.size} matrix` : `top ${hessian.eigenvalues.length} by Lanczos, ${hessian.products} products${hessian.converged ? '' : ', not converged: see the residuals'}`;
  return html`<div class="analysis" data-testid="analysis-result">
    <p class="muted">At step <b data-testid="analysis-step">${result.step}</b>${result.member.label !== 'this run' ? html` of <b>${result.member.label}</b>` : nothing}:
      n = ${n} samples, ${hessian.size} trainable parameters; ${ntk.backend === hessian.backend ? ntk.backend : `NTK ${ntk.backend}, Hessian ${hessian.backend}`};
      ${result.wallSeconds.toFixed(1)} s.</p>
    <table class="analysis-table" aria-label="NTK eigenvalues">
      <caption>NTK Gram (n x n), eigenvalues λ_i descending</caption>
      <thead><tr><th scope="col">i</th>${parts.map((part) => html`<th scope="col">${part.name}</th>`)}</tr></thead>
      <tbody>
        ${Array.from({ length: listed }, (_, i) => html`<tr><th scope="row">${i + 1}</th>${parts.map((part) => cell(part.values[i]!, 'ntk-eigenvalue', i + 1, part.testId))}</tr>`)}
        ${n > listed ? html`<tr><th scope="row">${n} (min)</th>${parts.map((part) => cell(part.values[n - 1]!, 'ntk-eigenvalue', n, part.testId))}</tr>` : nothing}
        <tr><th scope="row">trace</th>${parts.map((part) => cell(part.trace, 'ntk-trace', 0, part.testId))}</tr>
      </tbody>
    </table>
    <table class="analysis-table" aria-label="Hessian eigenvalues">
      <caption>Hessian of the train loss: ${how}</caption>
      <thead><tr><th scope="col">i</th><th scope="col">λ_i</th>${hessian.residuals ? html`<th scope="col" title="beta_k |s_t| of the Lanczos recurrence: an eigenvalue lies within it of λ_i for exact products (float32 products add their own rounding)">residual</th>` : nothing}</tr></thead>
      <tbody>
        ${Array.from({ length: Math.min(LISTED, hessian.eigenvalues.length) }, (_, i) => html`<tr><th scope="row">${i + 1}</th>${cell(hessian.eigenvalues[i]!, 'hessian-eigenvalue', i + 1)}${
          hessian.residuals ? html`<td>${shownNumber(hessian.residuals[i]!)}</td>` : nothing}</tr>`)}
        <tr><th scope="row">trace</th><td data-testid="hessian-trace">${shownNumber(hessian.trace)}</td>${hessian.residuals ? html`<td>exact</td>` : nothing}</tr>
        ${factor !== 1 ? html`<tr><th scope="row" title="the update rule's units: GD is stable while lr times this is below 2">m λ_1</th><td>${shownNumber(factor * hessian.eigenvalues[0]!)}</td>${hessian.residuals ? html`<td></td>` : nothing}</tr>` : nothing}
      </tbody>
    </table>
    <gradflow-summary-chart .panel=${panels.ntk} height=${CHART_HEIGHT_PX} data-testid="ntk-spectrum"></gradflow-summary-chart>
    <gradflow-summary-chart .panel=${panels.hessian} height=${CHART_HEIGHT_PX} data-testid="hessian-spectrum"></gradflow-summary-chart>
  </div>`;
}
