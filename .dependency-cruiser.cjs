/**
 * The floors of GradFlow's source, bottom up: a folder may import its own files and the folders listed
 * beside it, nothing else (README, "Layout"). `npm run layers` checks every import of src/ and shaders/
 * against this table, and any import cycle between files; `npm test` runs it first. No exceptions.
 */
const FLOORS = {
  // Shared vocabulary: scalings, losses, the random generator, network and update-rule types, errors.
  'src/core': [],
  // WGSL sources, the WebGPU runtime, and the data sets: each reads only the vocabulary.
  shaders: ['src/core'],
  'src/gpu': ['src/core'],
  'src/data': ['src/core'],
  // The float64 backend (CPU twins of the kernels) and the GPU kernel wrappers.
  'src/float64': ['src/core', 'src/data'],
  'src/kernels': ['src/core', 'src/gpu', 'shaders'],
  // Metrics (the registry, GPU evaluators and host reductions) and the GPU optimizer passes.
  'src/metrics': ['src/core', 'src/gpu', 'src/kernels', 'src/float64'],
  'src/optim': ['src/core', 'src/gpu', 'src/kernels'],
  // The validated config: its schema reads the vocabulary, the data specs and the metric registry.
  'src/config': ['src/core', 'src/data', 'src/metrics'],
  // One folder per model kind, each a Simulation on both backends.
  'src/models': ['src/core', 'src/gpu', 'src/data', 'src/float64', 'src/kernels', 'src/metrics', 'src/optim', 'src/config'],
  // The run loop: scheduler, checkpoints, device-loss recovery, results.
  'src/run': ['src/core', 'src/gpu', 'src/data', 'src/metrics', 'src/config', 'src/models'],
  'src/experiments': ['src/core', 'src/metrics', 'src/config', 'src/models', 'src/run'],
  // The top: the app's session glue, the CLI, the web components and the page's entry.
  'src/app': ['src/core', 'src/gpu', 'src/data', 'src/config', 'src/models', 'src/run'],
  'src/cli': ['src/core', 'src/data', 'src/metrics', 'src/config', 'src/run', 'src/experiments'],
  'src/ui': ['src/core', 'src/gpu', 'shaders', 'src/data', 'src/metrics', 'src/config', 'src/run', 'src/experiments', 'src/app'],
  'src/main.ts': ['src/ui'],
};

const escape = (path) => path.replace(/[.]/g, '\\.');
const under = (folders) => `^(${folders.map(escape).join('|')})(/|$)`;

module.exports = {
  forbidden: [
    ...Object.entries(FLOORS).map(([folder, allowed]) => ({
      name: `floor:${folder}`,
      comment: `${folder} may import only ${allowed.length > 0 ? allowed.join(', ') : 'its own files'} (a lower floor never imports a higher one)`,
      severity: 'error',
      from: { path: under([folder]) },
      to: { path: '^(src|shaders)/', pathNot: under([folder, ...allowed]) },
    })),
    {
      name: 'unknown-folder',
      comment: 'every source folder has a floor in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^(src|shaders)/', pathNot: under([...Object.keys(FLOORS), 'src/types']) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between files, so none between folders either',
      severity: 'error',
      from: { path: '^(src|shaders)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|tests|bench|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
