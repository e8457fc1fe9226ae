/**
 * Issue 15, a landscape preset's first minute: the run's particles are drawn in <gradflow-landscape-view> straight
 * from its GPU buffers (the curve f(x) for k = 1, the heat map of f for k = 2, two chosen coordinates for k = 3), the
 * steps advance, and each particle of the focused member is drawn at its own position (read back from the run's
 * buffer while paused) without a console error. Screenshots at 1440 x 900 and 390 x 844 go to
 * test-results/first-minute/landscape-*.png.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { startAppBrowser, type AppBrowser } from '../helpers/app-browser';

const ARTIFACTS = 'test-results/first-minute';
const VIEW = 'gradflow-landscape-view[data-testid="landscape-view"]';

let app: AppBrowser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  app = await startAppBrowser();
});

afterAll(async () => {
  await app?.close();
});

const stepOf = async (page: Page) => Number(await page.locator('[data-testid="step"]').first().textContent());

async function waitForStep(page: Page, step: number): Promise<void> {
  await expect.poll(() => stepOf(page), { timeout: 90_000, interval: 250 }).toBeGreaterThanOrEqual(step);
}

/** What the focused member's particles look like in the view: how many of them show the particle colour at their own pixel. */
interface DrawnParticles {
  readonly particleCount: number;
  /** Particles with a finite position inside the plot. */
  readonly shown: number;
  /** Of those, the ones drawn there: a disc's amber fill within its radius (or, k >= 2, a disc's dark rim at the pixel). */
  readonly amber: number;
  readonly status: string;
}

/**
 * Reads the focused member's positions [P x k] (and f(x_p), k = 1) back from the run's buffers, draws a frame of the view and
 * checks each particle's pixel, placed as shaders/particle-view-common.wgsl.ts places it: the fitted box padded 8%,
 * equal scales for k >= 2. The page must be paused (positions and frame from the same step).
 */
function drawnParticles(page: Page): Promise<DrawnParticles> {
  return page.evaluate(async (selector) => {
    type Live = { gpu: { device: GPUDevice }; positions: GPUBuffer; stats: GPUBuffer };
    const host = document.querySelector('gradflow-app') as HTMLElement & { session: { memberLandscape(k: number): Live | undefined; members: readonly { label: string }[] } };
    // The member in the view: the one whose label its head shows in full (a run set), else the run itself.
    const focused = host.shadowRoot!.querySelector('[data-testid="focused-member"]')?.getAttribute('title');
    const member = Math.max(0, host.session.members.findIndex((candidate) => candidate.label === focused));
    const view = host.shadowRoot!.querySelector(selector) as HTMLElement & {
      updateAxes(): Promise<void>; plotPng(): Promise<string>; fittedBox: Float32Array; dim: number; shownCoords: [number, number]; status: string;
      source: { model: { spec: { particleCount: number } } };
    };
    await view.updateAxes();
    const live = host.session.memberLandscape(member)!;
    const P = view.source.model.spec.particleCount;
    const k = view.dim;
    const read = async (buffer: GPUBuffer, floats: number) => {
      const { device } = live.gpu;
      const staging = device.createBuffer({ size: floats * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, floats * 4);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const values = new Float32Array(staging.getMappedRange().slice(0));
      staging.destroy();
      return values;
    };
    const [positions, stats] = await Promise.all([read(live.positions, P * k), read(live.stats, P * 4)]);
    const image = new Image();
    image.src = await view.plotPng();
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    const box = view.fittedBox;
    let halfX = Math.max(0.5 * (box[2]! - box[0]!) * 1.08, 1e-6);
    let halfY = Math.max(0.5 * (box[3]! - box[1]!) * 1.08, 1e-6);
    if (k >= 2) {
      const aspect = image.width / image.height;
      const s = Math.max(halfX / aspect, halfY);
      [halfX, halfY] = [s * aspect, s];
    }
    const [i, j] = view.shownCoords;
    let shown = 0;
    let amber = 0;
    // The largest disc radius (autoParticleSize) in device pixels.
    const reach = Math.ceil(5 * devicePixelRatio);
    for (let p = 0; p < P; p++) {
      const x = k === 1 ? positions[p]! : positions[p * k + i]!;
      const y = k === 1 ? stats[p * 4]! : positions[p * k + j]!;
      const column = Math.floor(((x - 0.5 * (box[0]! + box[2]!)) / halfX + 1) * 0.5 * image.width);
      const row = Math.floor((1 - (y - 0.5 * (box[1]! + box[3]!)) / halfY) * 0.5 * image.height);
      if (!(column >= 0 && column < image.width && row >= 0 && row < image.height)) continue;
      shown += 1;
      const near = (radius: number, test: (r: number, g: number, b: number) => boolean) => {
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const [c, r] = [column + dx, row + dy];
            if (c < 0 || c >= image.width || r < 0 || r >= image.height || dx * dx + dy * dy > radius * radius) continue;
            const at = (r * image.width + c) * 4;
            if (test(pixels[at]!, pixels[at + 1]!, pixels[at + 2]!)) return true;
          }
        }
        return false;
      };
      // A disc's fill within its radius of the point; in a crowd, later discs' dark rims cover earlier centres, which
      // counts too for k >= 2 (for k = 1 the curve f(x) itself is dark there).
      const fill = near(reach, (r, g, b) => r > 200 && g > 140 && g < 230 && b < 90);
      const rim = k >= 2 && near(1, (r, g, b) => r + g + b < 150);
      if (fill || rim) amber += 1;
    }
    return { particleCount: P, shown, amber, status: view.status };
  }, VIEW);
}

/** Opens a landscape preset, checks the view while it runs and paused, and saves both screenshots. */
async function checkPreset(name: string, search: string, firstStep: number, expectations: (page: Page) => Promise<void>): Promise<void> {
  const { page, errors } = await app.open(search, { viewport: { width: 1440, height: 900 } });
  await page.getByLabel('theme').selectOption('light');
  await waitForStep(page, firstStep);
  const view = page.locator(VIEW);
  expect(await view.count()).toBe(1);
  expect(await page.locator('[data-testid="views-note"]').count()).toBe(0);
  // The steps advance with the view on screen.
  const before = await stepOf(page);
  await expect.poll(() => stepOf(page), { timeout: 90_000, interval: 250 }).toBeGreaterThan(before);
  await expectations(page);
  const status = () => page.locator('[data-testid="status"]').first().textContent();
  if ((await status()) === 'running') await page.locator('[data-testid="play"]').first().click();
  await expect.poll(status, { timeout: 30_000 }).toMatch(/paused|completed/);
  const drawn = await drawnParticles(page);
  console.info(`${name}: ${drawn.amber} of ${drawn.shown} particles in the plot drawn at their own point (P = ${drawn.particleCount}), step ${await stepOf(page)}`);
  expect(drawn.status).toBe('');
  expect(drawn.shown).toBeGreaterThan(0);
  expect(drawn.amber).toBe(drawn.shown);
  await page.screenshot({ path: `${ARTIFACTS}/landscape-1440x900-${name}.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await view.scrollIntoViewIfNeeded();
  await expect.poll(async () => (await view.boundingBox())?.width ?? 0).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${ARTIFACTS}/landscape-390x844-${name}.png` });
  expect(errors).toEqual([]);
  await page.close();
}

describe('issue 15: a landscape preset shows its particles', () => {
  it('saddle-avoidance (k = 2): the heat map of f with its colour bar, a small view per member, the particles of the member focused by a click at their points', async () => {
    await checkPreset('saddle-avoidance', '?preset=saddle-avoidance&set=model.spec.particleCount=512&set=steps=4000&set=metrics.every=50', 50, async (page) => {
      expect(await page.locator(`${VIEW} svg.axes .axis-label`).allTextContents()).toEqual(['x_1', 'x_2', 'f(x)']);
      await expect.poll(() => page.locator(`${VIEW} svg.axes .colour-bar text.tick`).count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect(await page.locator('[data-testid="focused-member"]').textContent()).toContain('optimizer=gd');
      // Every member has a small landscape view; a click on one (AdaGrad from starts on the axis y = 0) focuses it in the big view.
      await expect.poll(() => page.locator('gradflow-landscape-view.mini[data-testid="member-view"]').count(), { timeout: 20_000 }).toBe(8);
      const onAxis = page.locator(`[data-testid="member-multiple"][aria-label*="optimizer=adagrad,"][aria-label*='"low":[-1,0]']`);
      await onAxis.click();
      await expect.poll(() => page.locator('[data-testid="focused-member"]').getAttribute('title')).toMatch(/^optimizer=adagrad, start=\{"low":\[-1,0\]/);
    });
  });

  it('stable-manifold (k = 3): two coordinates with a picker; picking x_3 changes the axes', async () => {
    await checkPreset('stable-manifold', '?preset=stable-manifold&set=steps=3000', 100, async (page) => {
      await expect.poll(() => page.locator(`${VIEW} svg.axes .axis-label`).allTextContents()).toEqual(['x_1', 'x_2']);
      await page.locator(`${VIEW} [data-testid="coord-y"]`).selectOption('2');
      await expect.poll(() => page.locator(`${VIEW} svg.axes .axis-label`).allTextContents()).toEqual(['x_1', 'x_3']);
    });
  });

  it('sgd-stability-diagram (k = 1): the curve f(x) with every particle at (x, f(x))', async () => {
    await checkPreset('sgd-stability-diagram', '?preset=sgd-stability-diagram&set=model.spec.particleCount=256&set=steps=2000', 10, async (page) => {
      expect(await page.locator(`${VIEW} svg.axes .axis-label`).allTextContents()).toEqual(['x', 'f(x)']);
      await expect.poll(() => page.locator(`${VIEW} svg.axes .x-axis text.tick`).count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    });
  });
});
