/**
 * The "Analyze the current parameters" panel on a live run: a tiny two-layer run trains on the GPU while the
 * button analyzes it; the step the panel names is a step boundary (the same run stopped there by itself has the
 * parameters the panel analyzed), and the NTK and Hessian eigenvalues it shows are those of a float64 dense
 * computation at those parameters, within float32 tolerance. Also: a float64 run's exact dense spectrum, the
 * refusals (other model kinds, too many samples), the waiting button, and a failure shown as an error.
 */
import { render } from 'lit';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { describe, expect, it } from 'vitest';
import { MAX_APP_ANALYSIS_SAMPLES } from '../../../src/app/parameter-analysis';
import { TrainingSession } from '../../../src/app/training-session';
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { symmetricEigenvalues } from '../../../src/core/spectrum';
import { exactHessianSpectrum } from '../../../src/float64/hessian';
import { ntkGram, ntkGramParts } from '../../../src/float64/ntk';
import type { TwoLayerParams } from '../../../src/float64/two-layer';
import { buildProblem } from '../../../src/models/two-layer/problem';
import { weightsFromJson } from '../../../src/models/two-layer/init-file';
import { runExperiment } from '../../../src/run/run-experiment';
import { analysisPanel } from '../../../src/ui/app-sections/analysis-panel';
import { AnalysisController } from '../../../src/ui/controllers/analysis-controller';
import '../../../src/ui/gradflow-summary-chart';
import { getTestGpu } from '../../helpers/gpu';
import { F32_EPSILON, expectClose } from '../../helpers/tolerance';

/** m = 12 neurons with a bias on d = 2 inputs (p = 48), n = 16 samples: seconds on SwiftShader. */
const TINY: ExperimentConfigInput = {
  steps: 100_000,
  stepsPerSubmit: 4,
  model: { width: 12, scaling: 'ntk', bias: true },
  data: { kind: 'teacher-student', seed: 5, sampleCount: 16, testCount: 0, inputDim: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.5 },
  metrics: { every: 1000, names: ['loss'] },
};
const pace = () => new Promise((resolve) => setTimeout(resolve, 0));
const POLL = { timeout: 100_000, interval: 100 };

/** The panel in a div, re-rendered whenever its controller asks (as <gradflow-app> does), for `session` and `member`. */
function mountPanel(session: TrainingSession | undefined, member = 0) {
  const root = document.createElement('div');
  document.body.append(root);
  const controllers: ReactiveController[] = [];
  const host: ReactiveControllerHost = {
    addController: (controller) => void controllers.push(controller),
    removeController: () => {},
    requestUpdate: () => draw(),
    updateComplete: Promise.resolve(true),
  };
  const analysis = new AnalysisController(host);
  const draw = () => render(analysisPanel({ analysis, session, member }), root);
  draw();
  (root.querySelector('details') as HTMLDetailsElement).open = true;
  const byTestId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  /** The shown values of cells `id`, by data-index (and data-part). */
  const shown = (id: string, part?: string) =>
    [...root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]${part ? `[data-part="${part}"]` : ''}`)].map((cell) => ({ index: Number(cell.dataset.index), value: Number(cell.textContent) }));
  return { root, analysis, draw, byTestId, shown, remove: () => root.remove() };
}

/** The float64 reference at `weights` (an init file's JSON): the dense Hessian's spectrum and the NTK's. */
async function reference(config: ExperimentConfig, weights: unknown) {
  const problem = await buildProblem(config);
  const { width, inputDim, hasBias } = problem.trainer;
  const parsed = weightsFromJson(weights, width, inputDim, hasBias, 'the run at the analyzed step');
  const params: TwoLayerParams = { width, inputDim, ...parsed };
  const n = problem.train.y.length;
  const { X, y } = problem.train;
  const parts = ntkGramParts(params, X, n, problem.trainer);
  return {
    n,
    width,
    hessian: exactHessianSpectrum(params, X, y, n, problem.trainer),
    // K from the per-sample Jacobian, independently of the parts' closed forms.
    ntk: symmetricEigenvalues(ntkGram(params, X, n, problem.trainer), n),
    ntkA: symmetricEigenvalues(parts.a, n),
    ntkW: symmetricEigenvalues(parts.w, n),
  };
}

/** Shown numbers carry six significant digits: a relative rounding of at most 5e-6, doubled for margin. */
const SHOWN_REL = 1e-5;

describe('the analysis panel', () => {
  it("analyzes a GPU run while it trains: the step shown is a step boundary, and the eigenvalues are the float64 dense ones there", async () => {
    const config = parseConfig(TINY);
    const session = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    const panel = mountPanel(session);
    const done = session.start();
    await expect.poll(() => session.stepsTaken, POLL).toBeGreaterThan(8);
    panel.draw();
    const button = panel.byTestId('analyze') as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    button.click();
    // Progress in words while it works (the first message is set before anything is read).
    expect(panel.byTestId('analysis-progress')?.textContent).toBeTruthy();
    expect(button.disabled).toBe(true);
    await expect.poll(() => panel.byTestId('analysis-result') ?? panel.byTestId('analysis-error'), POLL).not.toBeNull();
    expect(panel.byTestId('analysis-error')).toBeNull();
    const step = Number(panel.byTestId('analysis-step')!.textContent);
    expect(step).toBeGreaterThan(8);
    expect(session.status).toBe('running'); // held only while the parameters were read
    session.stop();
    await done;
    await session.destroy();

    // The same run stopped at `step` by itself: its final parameters are the ones analyzed.
    const alone = await runExperiment(parseConfig({ ...TINY, steps: step }), { requestGpu: getTestGpu, saveParams: true });
    const expected = await reference(config, alone.final);
    const lambdaMax = expected.ntk[0]!;
    // K's entries are float32 sums over m neurons (and d + 1 inputs); their rounding errors, of random sign, move an
    // eigenvalue by about sqrt(n) times an entry's, so 8 sqrt(n m) eps lambda_max (a step's change is 10x that here).
    const ntkTolerance = { abs: 8 * Math.sqrt(expected.n * expected.width) * F32_EPSILON * lambdaMax, rel: SHOWN_REL };
    const ntkShown = panel.shown('ntk-eigenvalue', 'K');
    expect(ntkShown.map((cell) => cell.index)).toEqual([1, 2, 3, 4, 5, 16]);
    expectClose(ntkShown.map((cell) => cell.value), ntkShown.map((cell) => expected.ntk[cell.index - 1]!), ntkTolerance, 'NTK eigenvalues of K');
    for (const [part, values] of [['a', expected.ntkA], ['w', expected.ntkW]] as const) {
      const cells = panel.shown('ntk-eigenvalue', part);
      expectClose(cells.map((cell) => cell.value), cells.map((cell) => values[cell.index - 1]!), ntkTolerance, `NTK eigenvalues of K^(${part})`);
    }
    // Lanczos on float32 products: each Ritz value lies within its residual (<= 1e-5 lambda_max once converged, the
    // default tolerance) of an eigenvalue; twice that covers the products' own float32 rounding.
    const hessianShown = panel.shown('hessian-eigenvalue');
    expect(hessianShown.map((cell) => cell.index)).toEqual([1, 2, 3, 4, 5]);
    const sharpness = expected.hessian.sharpness;
    const hessianTolerance = { abs: 2e-5 * Math.abs(sharpness), rel: SHOWN_REL };
    expectClose(hessianShown.map((cell) => cell.value), hessianShown.map((cell) => expected.hessian.eigenvalues[cell.index - 1]!), hessianTolerance, 'top Hessian eigenvalues');
    // Tr H: the closed form the panel shows against the sum of the dense spectrum.
    expectClose([Number(panel.byTestId('hessian-trace')!.textContent)], [expected.hessian.trace], { abs: 1e-5 * Math.abs(sharpness), rel: SHOWN_REL }, 'Tr H');
    // Both spectra are drawn.
    for (const id of ['ntk-spectrum', 'hessian-spectrum']) {
      const chart = panel.byTestId(id) as HTMLElement & { uplot?: unknown };
      await expect.poll(() => chart.uplot !== undefined, POLL).toBe(true);
    }
    panel.remove();
  });

  it("analyzes a float64 run on the CPU: the tiny net's whole dense Hessian spectrum, exactly", async () => {
    const config = parseConfig({ ...TINY, backend: 'float64', steps: 12 });
    const session = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    await session.start();
    expect(session.status).toBe('completed');
    const panel = mountPanel(session);
    (panel.byTestId('analyze') as HTMLButtonElement).click();
    await expect.poll(() => panel.byTestId('analysis-result') ?? panel.byTestId('analysis-error'), POLL).not.toBeNull();
    expect(panel.byTestId('analysis-error')).toBeNull();
    expect(panel.byTestId('analysis-step')!.textContent).toBe('12');
    expect(panel.root.textContent).toMatch(/every eigenvalue of the dense 48 x 48 matrix/);
    const expected = await reference(config, await session.parameters());
    const exact = { abs: 1e-12 * expected.hessian.sharpness, rel: SHOWN_REL };
    const hessianShown = panel.shown('hessian-eigenvalue');
    expectClose(hessianShown.map((cell) => cell.value), hessianShown.map((cell) => expected.hessian.eigenvalues[cell.index - 1]!), exact, 'dense Hessian eigenvalues');
    const ntkShown = panel.shown('ntk-eigenvalue', 'K');
    expectClose(ntkShown.map((cell) => cell.value), ntkShown.map((cell) => expected.ntk[cell.index - 1]!), { abs: 1e-12 * expected.ntk[0]!, rel: SHOWN_REL }, 'NTK eigenvalues');
    await session.destroy();
    panel.remove();
  });

  it("analyzes a run set's focused member: its own parameters and size", async () => {
    const config = parseConfig({ ...TINY, backend: 'float64', steps: 8, sweep: { 'model.width': [6, 12] } });
    const session = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    await session.start();
    const panel = mountPanel(session, 1);
    expect(panel.byTestId('analysis-member')!.textContent).toBe('the focused member, width=12');
    (panel.byTestId('analyze') as HTMLButtonElement).click();
    await expect.poll(() => panel.byTestId('analysis-result') ?? panel.byTestId('analysis-error'), POLL).not.toBeNull();
    expect(panel.byTestId('analysis-error')).toBeNull();
    expect(panel.root.textContent).toMatch(/of width=12/);
    const params = (await session.parameters()) as { members: { parameters: unknown }[] };
    const expected = await reference(session.members[1]!.config, params.members[1]!.parameters);
    expect(expected.hessian.eigenvalues).toHaveLength(48); // m = 12 with a bias on d = 2
    const hessianShown = panel.shown('hessian-eigenvalue');
    expectClose(hessianShown.map((cell) => cell.value), hessianShown.map((cell) => expected.hessian.eigenvalues[cell.index - 1]!), { abs: 1e-12 * expected.hessian.sharpness, rel: SHOWN_REL }, "member 1's Hessian");
    await session.destroy();
    panel.remove();
  });

  it('waits for a run, says the analysis does not apply to other model kinds, and refuses too many samples with the limit and why', () => {
    const nothing = mountPanel(undefined);
    expect((nothing.byTestId('analyze') as HTMLButtonElement).disabled).toBe(true);
    expect(nothing.byTestId('analysis-waiting')!.textContent).toMatch(/Nothing runs/);
    nothing.remove();

    const running = (input: ExperimentConfigInput) => {
      const config = parseConfig(input);
      return { status: 'running', isSet: false, members: [{ index: 0, label: 'this run', config }], memberLive: () => undefined } as unknown as TrainingSession;
    };
    const linear = mountPanel(running({ model: { kind: 'linear' }, loss: 'logistic', data: { kind: 'linear-separable', sampleCount: 32, inputDim: 3 } }));
    expect((linear.byTestId('analyze') as HTMLButtonElement).disabled).toBe(true);
    expect(linear.byTestId('analysis-refusal')!.textContent).toMatch(/Does not apply to a linear run/);
    linear.remove();

    const big = mountPanel(running({ ...TINY, data: { ...(TINY.data as object), sampleCount: MAX_APP_ANALYSIS_SAMPLES + 1 } } as ExperimentConfigInput));
    expect((big.byTestId('analyze') as HTMLButtonElement).disabled).toBe(true);
    const refusal = big.byTestId('analysis-refusal')!.textContent!;
    expect(refusal).toContain(`${MAX_APP_ANALYSIS_SAMPLES + 1} training samples`);
    expect(refusal).toContain(`at most ${MAX_APP_ANALYSIS_SAMPLES}`);
    expect(refusal).toMatch(/n x n .* main thread/);
    big.remove();
  });

  it('shows a failure as an error that names it', async () => {
    // A run that never started has no parameters: the analysis fails, and says so.
    const session = new TrainingSession(parseConfig(TINY), { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    const panel = mountPanel(session);
    await panel.analysis.analyze(session, 0);
    const error = panel.byTestId('analysis-error')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toMatch(/The analysis failed: RangeError: no parameters of member 0: the run has not started/);
    panel.remove();
  });
});
