// WXT config for `bench:overlay -- --build`: the project's own config, built into a temp folder (never into dist/).
import { defineConfig } from 'wxt';
import projectConfig from '../../wxt.config';

const outDir = process.env.BATON_BENCH_OUT_DIR;
if (!outDir) throw new Error('BATON_BENCH_OUT_DIR is not set: this config is only for bench/overlay/main.ts --build');

export default defineConfig({
  ...projectConfig,
  root: `${import.meta.dirname}/../..`,
  // WXT regenerates .wxt/ (types) on every build, as `npm run build:extension` and the e2e tests' builds do.
  outDir,
  // `--unminified`: readable function names and lines in the CPU profile.
  ...(process.env.BATON_BENCH_MINIFY === '0' ? { vite: () => ({ build: { minify: false } }) } : {}),
});
