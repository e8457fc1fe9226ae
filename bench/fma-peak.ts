/**
 * The adapter's fp32 FMA throughput, measured: a compute shader whose threads each run ACCUMULATORS independent
 * chains of vec4 fma (so the ALUs never wait on one chain's latency), with nothing but registers inside the loop.
 * Loop count and coefficients come from a uniform (nothing can be folded at compile time) and the result is
 * written only under a condition that never holds (nothing is dead code, and no memory traffic).
 *
 * Robustness: the dispatch doubles until one takes TARGET_MS, on a hardware adapter never below MIN_WORKGROUPS
 * (about twice the threads an H100 or H200 keeps resident, 132 SMs x 2048; the fallback adapter is a CPU,
 * which a few workgroups fill, and where MIN_WORKGROUPS would take seconds a dispatch); then the best of REPEATS dispatches of that size
 * counts, each timed from submit to onSubmittedWorkDone (the wall clock's fixed cost is a few tenths of a
 * millisecond against TARGET_MS). FLOP: 2 per lane per fma.
 */
import type { GpuContext } from '../src/gpu/device';

const WORKGROUP_SIZE = 256;
const ACCUMULATORS = 8;
/** fma rounds written out per loop iteration, so the loop's counter and branch are a few percent of the work. */
const UNROLL = 4;
const ITERATIONS = 128;
const FLOP_PER_THREAD = ITERATIONS * UNROLL * ACCUMULATORS * 4 * 2;
const MIN_WORKGROUPS = 2048;
const TARGET_MS = 50;
const REPEATS = 5;

function fmaShader(): string {
  const chains = Array.from({ length: ACCUMULATORS }, (_, k) => k);
  const round = chains.map((k) => `      x${k} = fma(x${k}, p.a, p.b);`).join('\n');
  return /* wgsl */ `
struct Params { iterations: u32, never: f32, pad0: u32, pad1: u32, a: vec4<f32>, b: vec4<f32> }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let seed = f32(id.x % 1024u) * 1e-3 + f32(id.y);
${chains.map((k) => `  var x${k} = vec4<f32>(seed + ${k}.0, seed + ${k}.25, seed + ${k}.5, seed + ${k}.75);`).join('\n')}
  for (var i = 0u; i < p.iterations; i++) {
${Array.from({ length: UNROLL }, () => round).join('\n')}
  }
  let s = ${chains.map((k) => `x${k}`).join(' + ')};
  if (s.x == p.never) { sink[0] = s; }
}`;
}

export interface FmaPeak {
  readonly gflops: number;
  readonly workgroups: number;
  readonly msPerDispatch: number;
  /** GFLOP/s of each timed repeat. */
  readonly repeats: readonly number[];
}

export async function measureFmaPeak(gpu: GpuContext): Promise<FmaPeak> {
  const { device } = gpu;
  const module = device.createShaderModule({ label: 'bench/fma-peak', code: fmaShader() });
  const pipeline = await device.createComputePipelineAsync({ label: 'bench/fma-peak', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const params = device.createBuffer({ label: 'bench/fma-peak/params', size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const paramData = new ArrayBuffer(48);
  new Uint32Array(paramData, 0, 1)[0] = ITERATIONS;
  new Float32Array(paramData, 4, 1)[0] = -12345.5;
  // x <- 0.999 x + 0.001 converges to 1: no overflow and no denormals, whatever the chain's length.
  new Float32Array(paramData, 16, 8).set([0.999, 0.999, 0.999, 0.999, 0.001, 0.001, 0.001, 0.001]);
  device.queue.writeBuffer(params, 0, paramData);
  const sink = device.createBuffer({ label: 'bench/fma-peak/sink', size: 16, usage: GPUBufferUsage.STORAGE });
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: params } }, { binding: 1, resource: { buffer: sink } }] });
  const maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension;

  /** Wall time of one dispatch of `workgroups` workgroups (a 2-D grid past the per-dimension limit). */
  const run = async (workgroups: number): Promise<number> => {
    const x = Math.min(workgroups, maxPerDimension);
    const y = Math.ceil(workgroups / x);
    const encoder = device.createCommandEncoder({ label: 'bench/fma-peak' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    await device.queue.onSubmittedWorkDone();
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  const gridOf = (workgroups: number) => Math.min(workgroups, maxPerDimension) * Math.ceil(workgroups / Math.min(workgroups, maxPerDimension));
  try {
    await run(1); // compilation by the driver, if it waits for the first use
    const minWorkgroups = gpu.isFallbackAdapter ? 1 : MIN_WORKGROUPS;
    let workgroups = 8;
    while (workgroups < minWorkgroups || ((await run(workgroups)) < TARGET_MS && workgroups < maxPerDimension * maxPerDimension)) workgroups *= 2;
    const times: number[] = [];
    for (let r = 0; r < REPEATS; r++) times.push(await run(workgroups));
    const flop = gridOf(workgroups) * WORKGROUP_SIZE * FLOP_PER_THREAD;
    const repeats = times.map((ms) => flop / (ms * 1e6));
    const best = Math.min(...times);
    return { gflops: Math.max(...repeats), workgroups: gridOf(workgroups), msPerDispatch: best, repeats };
  } finally {
    params.destroy();
    sink.destroy();
  }
}
