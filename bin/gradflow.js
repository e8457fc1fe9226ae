#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `gradflow` works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
// Dawn keeps native handles alive; the CLI is done once main returns.
process.exit(process.exitCode);
