/** Top of docs/benchmarks.md when the file does not exist yet. */
export const BENCH_DOC_PREAMBLE = `# Benchmarks

The Benchmark and Soak sections below are written by \`npm run bench\` and \`npm run soak\`
(scripts/bench.ts, scripts/soak.ts). Rerunning either one replaces its own section between the markers.
`;
