// npm run soak: 20,000 logins at concurrency 32 through LabelStudioLdapStrategy (driven as
// Passport drives it) against a real slapd with the bench directory: good passwords, bad
// passwords and unknown users mixed. Checks every outcome, and compares heap after GC and open
// sockets at the start and at the end. Results go to docs/benchmarks.md (soak section).
//   SOAK_LOGINS=20000 SOAK_CONCURRENCY=32 npm run soak
//   SOAK_WRITE=0 prints only.
import * as path from 'path';
import { openConnectionsTo } from '../__tests__/support/sockets';
import { strategyContender, successDn, successGroups } from './benchLib/contenders';
import { benchDirectory, startBenchSlapd, stopAllSlapd, stopServersOnSignals, type BenchUser } from './benchLib/directory';
import { machineLine } from './benchLib/machine';
import { BENCH_DOC_PREAMBLE } from './benchLib/doc';
import { replaceSection } from './benchLib/markdown';
import { MonitorReader } from './benchLib/monitor';
import type { Outcome } from './benchLib/passport';
import { driveStats } from './benchLib/passport';
import { fmt, percentile, runConcurrent, sleep } from './benchLib/stats';

const LOGINS = Number(process.env.SOAK_LOGINS ?? 20_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const WARMUP = 1000;
const CHECKPOINTS = 4;
const DOC = path.resolve(__dirname, '..', 'docs', 'benchmarks.md');

type Kind = 'good' | 'bad-password' | 'unknown-user';

interface Attempt {
  kind: Kind;
  user: BenchUser | null;
  username: string;
  password: string;
}

/** 70 % good, 20 % wrong password, 10 % unknown user, spread evenly and deterministically. */
function attempt(users: BenchUser[], i: number): Attempt {
  const user = users[(i * 7919) % users.length];
  const slot = i % 10;
  if (slot < 7) return { kind: 'good', user, username: slot % 2 ? user.mail : user.uid, password: user.password };
  if (slot < 9) return { kind: 'bad-password', user, username: user.uid, password: `${user.password}x` };
  return { kind: 'unknown-user', user: null, username: `nobody${i}`, password: 'whatever' };
}

/** null when the outcome is the right one for the attempt, else what was wrong. */
function check(a: Attempt, o: Outcome): string | null {
  if (a.kind === 'good') {
    if (o.kind !== 'success') return `expected success, got ${o.kind}`;
    if (successDn(o) !== a.user?.dn) return `success for ${successDn(o)}, asked as ${a.user?.dn}`;
    const groups = successGroups(o) ?? [];
    if (groups.length !== 1 || groups[0].toLowerCase() !== a.user.groups[0].toLowerCase()) return `wrong groups ${JSON.stringify(groups)}`;
    return null;
  }
  if (o.kind !== 'fail') return `expected fail, got ${o.kind}${o.kind === 'error' ? `: ${o.err.message}` : ''}`;
  if (o.status !== 401) return `expected status 401, got ${o.status}`;
  return null;
}

function heapAfterGc(): number {
  const gc = (global as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPWRAP').length;
}

const MB = 2 ** 20;

async function main(): Promise<void> {
  stopServersOnSignals();
  const started = Date.now();
  const dir = benchDirectory();
  const server = await startBenchSlapd(dir);
  const monitor = await MonitorReader.open(server);
  const contender = strategyContender(server);
  const byOutcome = new Map<string, number>();
  const mismatches: string[] = [];
  let mismatchCount = 0;
  const latencies: number[] = [];
  const record = (a: Attempt, o: Outcome): void => {
    const key = `${a.kind} -> ${o.kind}${o.kind === 'fail' ? ` ${o.status}` : ''}`;
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
    const problem = check(a, o);
    if (problem) {
      mismatchCount++;
      if (mismatches.length < 10) mismatches.push(`${a.username}: ${problem}`);
    }
  };

  // Warm-up: the pool reaches its size, JIT settles. Its outcomes are checked too.
  await runConcurrent(WARMUP, CONCURRENCY, async (i) => {
    const a = attempt(dir.users, LOGINS + i);
    record(a, await contender.login(a.username, a.password));
  });
  await sleep(200);
  const start = { heap: heapAfterGc(), tcp: tcpHandles(), conns: openConnectionsTo(server.port, 'machine'), own: openConnectionsTo(server.port) };
  const mon0 = await monitor.snapshot();
  console.log(`start: heap ${fmt(start.heap / MB)} MB, TCP handles ${start.tcp}, connections to slapd ${start.conns} (ours ${start.own})`);

  const checkpoints: Array<{ done: number; heap: number; tcp: number; conns: number; own: number }> = [];
  const t0 = Date.now();
  const per = Math.ceil(LOGINS / CHECKPOINTS);
  for (let done = 0; done < LOGINS; ) {
    const count = Math.min(per, LOGINS - done);
    const base = done;
    const r = await runConcurrent(count, CONCURRENCY, async (i) => {
      const a = attempt(dir.users, base + i);
      const o = await contender.login(a.username, a.password);
      record(a, o);
      return o;
    });
    latencies.push(...r.latencies);
    done += count;
    await sleep(100);
    const cp = { done, heap: heapAfterGc(), tcp: tcpHandles(), conns: openConnectionsTo(server.port, 'machine'), own: openConnectionsTo(server.port) };
    checkpoints.push(cp);
    console.log(`${done} logins: heap ${fmt(cp.heap / MB)} MB, TCP handles ${cp.tcp}, connections to slapd ${cp.conns} (ours ${cp.own}), mismatches ${mismatchCount}`);
  }
  const elapsed = Date.now() - t0;
  const mon1 = await monitor.snapshot();
  const ops = monitor.delta(mon0, mon1);
  const end = checkpoints[checkpoints.length - 1];
  const growth = (end.heap - start.heap) / MB;
  latencies.sort((a, b) => a - b);

  await contender.close();
  await monitor.close();
  await sleep(100);
  const afterClose = openConnectionsTo(server.port);
  await stopAllSlapd();

  const heapOk = growth < 10;
  const socketsOk = checkpoints.every((c) => c.tcp === start.tcp && c.own === start.own);
  const outcomesOk = mismatchCount === 0 && driveStats.extraCalls === 0;
  const verdict = (ok: boolean): string => (ok ? 'met' : '**NOT met**');
  const lines = [
    '## Soak',
    '',
    `Run ${new Date().toISOString().slice(0, 10)} on ${machineLine()}. ` +
      `${LOGINS.toLocaleString('en-US')} logins at concurrency ${CONCURRENCY} through \`LabelStudioLdapStrategy\` (driven as Passport does), ` +
      `after ${WARMUP} warm-up logins; 70 % right password (uid or mail), 20 % wrong password, 10 % unknown user; ` +
      `${fmt(elapsed / 1000)} s, ${fmt((LOGINS / elapsed) * 1000, 0)} logins/s, p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms.`,
    '',
    '| | start | ' + checkpoints.map((c) => `after ${c.done.toLocaleString('en-US')}`).join(' | ') + ' |',
    '|---|---|' + checkpoints.map(() => '---').join('|') + '|',
    `| heap after GC (MB) | ${fmt(start.heap / MB)} | ${checkpoints.map((c) => fmt(c.heap / MB)).join(' | ')} |`,
    `| TCP handles (\`process.getActiveResourcesInfo()\`) | ${start.tcp} | ${checkpoints.map((c) => c.tcp).join(' | ')} |`,
    `| connections from this process to slapd (/proc/self/fd ∩ /proc/net/tcp) | ${start.own} | ${checkpoints.map((c) => c.own).join(' | ')} |`,
    `| connections to the slapd port machine-wide (\`openConnectionsTo(port)\`) | ${start.conns} | ${checkpoints.map((c) => c.conns).join(' | ')} |`,
    '',
    `- Heap growth: ${fmt(growth, 2)} MB (target < 10 MB): ${verdict(heapOk)}.`,
    `- Socket count constant: ${verdict(socketsOk)} (TCP handles and this process's connections: the strategy's service connection and ` +
      `bind pool, plus the cn=Monitor reader; ${afterClose} of this process's connections to slapd left after \`strategy.close()\` and closing the reader).`,
    `- Outcomes: ${mismatchCount} wrong of ${(LOGINS + WARMUP).toLocaleString('en-US')} (warm-up included), ${driveStats.extraCalls} double answers: ${verdict(outcomesOk)}.`,
    `- slapd saw ${ops.connections} new connections and ${fmt(ops.totalOps / LOGINS, 2)} operations per login (Bind ${ops.ops.Bind}, Search ${ops.ops.Search}, Unbind ${ops.ops.Unbind}).`,
    '',
    '| attempt -> outcome | count |',
    '|---|---|',
    ...[...byOutcome].sort().map(([k, v]) => `| ${k} | ${v} |`),
    ...(mismatches.length ? ['', 'First mismatches:', '', ...mismatches.map((m) => `- ${m}`)] : []),
  ];
  const body = lines.join('\n');
  console.log(`\n${body}\n`);
  if (process.env.SOAK_WRITE !== '0') {
    replaceSection(DOC, 'soak', body, BENCH_DOC_PREAMBLE);
    console.log(`written to ${path.relative(process.cwd(), DOC)} (${fmt((Date.now() - started) / 1000)} s in all)`);
  }
  if (!(heapOk && socketsOk && outcomesOk)) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(err);
  await stopAllSlapd();
  process.exit(1);
});
