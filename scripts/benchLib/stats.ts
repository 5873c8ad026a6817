// Small statistics and a concurrency driver.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface RunResult<T> {
  results: T[];
  /** Latency of each job in ms, in job order. */
  latencies: number[];
  elapsedMs: number;
}

/** Runs jobs 0..count-1 with `concurrency` in flight at any time. */
export async function runConcurrent<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<RunResult<T>> {
  const results = new Array<T>(count);
  const latencies = new Array<number>(count);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t0 = process.hrtime.bigint();
      results[i] = await job(i);
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { results, latencies, elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toFixed(digits);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
