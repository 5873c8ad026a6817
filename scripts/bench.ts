// npm run bench: LabelStudioLdapStrategy against passport-ldapauth and the plain-ldapjs floor on a
// real slapd (monitor backend on) with 1,000 users in 20 groups. For each concurrency level the
// three contenders run alternately for several rounds; each run reports logins/s, p50 / p99
// latency, this process's CPU per login, and from slapd's cn=Monitor the connections opened and
// operations received per login. Medians and ratios go to docs/benchmarks.md (bench section).
//   BENCH_ROUNDS=5 BENCH_SCALE=1 BENCH_LEVELS=1,8,32,128 npm run bench
//   BENCH_WRITE=0 prints only.
import * as path from 'path';
import { floorContender, ldapauthContender, POOL_SIZE, strategyContender, successDn, type Contender, type ContenderName } from './benchLib/contenders';
import { benchDirectory, startBenchSlapd, stopAllSlapd, stopServersOnSignals, type BenchUser } from './benchLib/directory';
import { machineLine } from './benchLib/machine';
import { replaceSection } from './benchLib/markdown';
import { MonitorReader, type Delta } from './benchLib/monitor';
import { driveStats } from './benchLib/passport';
import { fmt, median, percentile, runConcurrent, sleep } from './benchLib/stats';
import { BENCH_DOC_PREAMBLE } from './benchLib/doc';
import { processCpuUs, slapdPid } from './benchLib/procCpu';

const DOC = path.resolve(__dirname, '..', 'docs', 'benchmarks.md');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,8,32,128').split(',').map(Number);
/** Logins per measured run, by concurrency (time-boxes the whole bench to a few minutes). */
const LOGINS: Record<number, number> = { 1: 300, 8: 800, 32: 1000, 128: 1500 };
const loginsAt = (c: number): number => Math.round((LOGINS[c] ?? 1000) * SCALE);
const NAMES: ContenderName[] = ['strategy', 'ldapauth', 'floor'];

interface Run {
  rate: number;
  p50: number;
  p99: number;
  cpuUs: number;
  slapdUs: number;
  connsPerLogin: number;
  opsPerLogin: number;
  ops: Delta['ops'];
  wrong: number;
}

interface LevelResult {
  concurrency: number;
  logins: number;
  runs: Record<ContenderName, Run[]>;
}

/** Login i of a run: users in a scattered but fixed order; uid and mail alternate. */
function userFor(users: BenchUser[], i: number, round: number): { user: BenchUser; username: string } {
  const user = users[(i * 7919 + round * 131) % users.length];
  return { user, username: i % 2 ? user.mail : user.uid };
}

async function measure(c: Contender, monitor: MonitorReader, pid: number | null, users: BenchUser[], concurrency: number, logins: number, round: number): Promise<Run> {
  const before = await monitor.snapshot();
  const slapd0 = processCpuUs(pid);
  const cpu0 = process.cpuUsage();
  let wrong = 0;
  const r = await runConcurrent(logins, concurrency, async (i) => {
    const { user, username } = userFor(users, i, round);
    const o = await c.login(username, user.password);
    if (successDn(o)?.toLowerCase() !== user.dn.toLowerCase()) wrong++;
  });
  const cpu = process.cpuUsage(cpu0);
  const slapdUs = processCpuUs(pid) - slapd0;
  // passport-ldapauth sends its unbinds after answering: let them arrive before reading.
  await sleep(150);
  const d = monitor.delta(before, await monitor.snapshot());
  const lat = [...r.latencies].sort((a, b) => a - b);
  return {
    rate: (logins / r.elapsedMs) * 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    cpuUs: (cpu.user + cpu.system) / logins,
    slapdUs: slapdUs / logins,
    connsPerLogin: d.connections / logins,
    opsPerLogin: d.totalOps / logins,
    ops: d.ops,
    wrong,
  };
}

interface Summary {
  rate: number;
  p50: number;
  p99: number;
  cpuUs: number;
  slapdUs: number;
  conns: number;
  ops: number;
  opsDetail: string;
  wrong: number;
}

function summarize(runs: Run[], logins: number): Summary {
  const m = (f: (r: Run) => number): number => median(runs.map(f));
  const per = (op: keyof Run['ops']): string => fmt(median(runs.map((r) => r.ops[op] / logins)), 2);
  const detail = [`bind ${per('Bind')}`, `search ${per('Search')}`];
  if (runs.some((r) => r.ops.Unbind > 0)) detail.push(`unbind ${per('Unbind')}`);
  const other = runs.some((r) => r.opsPerLogin - (r.ops.Bind + r.ops.Search + r.ops.Unbind) / logins > 0.001);
  if (other) detail.push('other');
  return {
    rate: m((r) => r.rate),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    cpuUs: m((r) => r.cpuUs),
    slapdUs: m((r) => r.slapdUs),
    conns: m((r) => r.connsPerLogin),
    ops: m((r) => r.opsPerLogin),
    opsDetail: detail.join(', '),
    wrong: runs.reduce((s, r) => s + r.wrong, 0),
  };
}

/** Median over rounds of strategy/other in the same round (runs of one round are back to back). */
function pairedRatio(a: Run[], b: Run[]): number {
  return median(a.map((r, i) => r.rate / b[i].rate));
}

async function main(): Promise<void> {
  stopServersOnSignals();
  const started = Date.now();
  const dir = benchDirectory();
  const server = await startBenchSlapd(dir);
  console.log(`slapd ${server.url} with ${dir.users.length} users in ${dir.groups.length} groups (${fmt((Date.now() - started) / 1000)} s)`);
  const monitor = await MonitorReader.open(server);
  const pid = slapdPid(server.dir);
  const contenders: Record<ContenderName, Contender> = {
    strategy: strategyContender(server),
    ldapauth: ldapauthContender(server),
    floor: await floorContender(server, POOL_SIZE),
  };
  const results: LevelResult[] = [];
  for (const concurrency of LEVELS) {
    const logins = loginsAt(concurrency);
    const level: LevelResult = { concurrency, logins, runs: { strategy: [], ldapauth: [], floor: [] } };
    // Warm-up at this concurrency: pools reach their size, JIT settles.
    for (const name of NAMES) {
      await runConcurrent(Math.max(100, concurrency * 4), concurrency, (i) => {
        const { user, username } = userFor(dir.users, i, 99);
        return contenders[name].login(username, user.password);
      });
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = NAMES.map((_, k) => NAMES[(k + round) % NAMES.length]);
      for (const name of order) {
        const run = await measure(contenders[name], monitor, pid, dir.users, concurrency, logins, round);
        level.runs[name].push(run);
        console.log(
          `c=${String(concurrency).padEnd(3)} round ${round + 1} ${name.padEnd(8)} ${fmt(run.rate, 0).padStart(5)} logins/s  p50 ${fmt(run.p50).padStart(6)} ms  p99 ${fmt(run.p99).padStart(6)} ms  ` +
            `cpu ${fmt(run.cpuUs, 0)}+${fmt(run.slapdUs, 0)} µs/login  conns ${fmt(run.connsPerLogin, 3)}/login  ops ${fmt(run.opsPerLogin, 2)}/login${run.wrong ? `  WRONG ${run.wrong}` : ''}`,
        );
      }
    }
    results.push(level);
  }
  for (const c of Object.values(contenders)) await c.close();
  await monitor.close();
  await stopAllSlapd();
  const elapsed = (Date.now() - started) / 1000;

  const body = report(results, elapsed, monitor.readerOverhead);
  console.log(`\n${body}\n`);
  if (process.env.BENCH_WRITE !== '0') {
    replaceSection(DOC, 'bench', body, BENCH_DOC_PREAMBLE);
    console.log(`written to ${path.relative(process.cwd(), DOC)}`);
  }
}

function report(results: LevelResult[], elapsed: number, overhead: Delta): string {
  const L: string[] = [];
  L.push('## Benchmark', '');
  L.push(
    `Run ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; slapd and the benchmark share the machine. ` +
      `${ROUNDS} rounds per concurrency level, the three contenders alternating within each round (order rotated every round); ` +
      `figures are medians over the rounds. Whole run ${fmt(elapsed, 0)} s.`,
  );
  L.push('');
  L.push('| concurrency | logins/run | contender | logins/s | p50 ms | p99 ms | CPU µs/login: client + slapd | new connections/login | LDAP ops/login (slapd cn=Monitor) |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  const summaries = new Map<number, Record<ContenderName, Summary>>();
  for (const lv of results) {
    const s = Object.fromEntries(NAMES.map((n) => [n, summarize(lv.runs[n], lv.logins)])) as Record<ContenderName, Summary>;
    summaries.set(lv.concurrency, s);
    for (const n of NAMES) {
      const x = s[n];
      L.push(
        `| ${lv.concurrency} | ${lv.logins} | ${n === 'strategy' ? '**strategy**' : n} | ${fmt(x.rate, 0)} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.cpuUs, 0)} + ${fmt(x.slapdUs, 0)} | ${fmt(x.conns, 3)} | ${fmt(x.ops, 2)} (${x.opsDetail}) |`,
      );
    }
  }
  L.push('');
  L.push('Ratios of logins/s (median over rounds of the ratio within a round; the ratio of the medians above in brackets):', '');
  L.push('| concurrency | strategy / passport-ldapauth | strategy / floor | (floor / passport-ldapauth) | targets (c ≥ 8: ≥ 2x ldapauth, ≥ 0.8x floor, < 0.05 new conn/login, ops ≤ floor) |');
  L.push('|---|---|---|---|---|');
  const misses: string[] = [];
  for (const lv of results) {
    const s = summaries.get(lv.concurrency) as Record<ContenderName, Summary>;
    const vsAuth = pairedRatio(lv.runs.strategy, lv.runs.ldapauth);
    const vsFloor = pairedRatio(lv.runs.strategy, lv.runs.floor);
    const checks: string[] = [];
    if (lv.concurrency >= 8) {
      const c1 = vsAuth >= 2;
      const c2 = vsFloor >= 0.8;
      const c3 = s.strategy.conns < 0.05;
      const c4 = s.strategy.ops <= s.floor.ops + 1e-9;
      checks.push(c1 ? 'ldapauth ✓' : 'ldapauth ✗', c2 ? 'floor ✓' : 'floor ✗', c3 ? 'connections ✓' : 'connections ✗', c4 ? 'ops ✓' : 'ops ✗');
      if (!c1) misses.push(`c=${lv.concurrency}: ${fmt(vsAuth, 3)}x passport-ldapauth (target 2x)`);
      if (!c2) misses.push(`c=${lv.concurrency}: ${fmt(vsFloor, 3)}x the floor (target 0.8x)`);
      if (!c3) misses.push(`c=${lv.concurrency}: ${fmt(s.strategy.conns, 3)} new connections per login`);
      if (!c4) misses.push(`c=${lv.concurrency}: ${fmt(s.strategy.ops, 2)} ops per login vs ${fmt(s.floor.ops, 2)} for the floor`);
    } else checks.push('(no target at c=1)');
    L.push(
      `| ${lv.concurrency} | ${fmt(vsAuth, 3)}x (${fmt(s.strategy.rate / s.ldapauth.rate, 3)}x) | ${fmt(vsFloor, 3)}x (${fmt(s.strategy.rate / s.floor.rate, 3)}x) | ${fmt(pairedRatio(lv.runs.floor, lv.runs.ldapauth), 3)}x | ${checks.join(', ')} |`,
    );
  }
  const wrong = results.reduce((n, lv) => n + NAMES.reduce((m, k) => m + lv.runs[k].reduce((a, r) => a + r.wrong, 0), 0), 0);
  L.push('');
  L.push(misses.length === 0 ? '**All targets met.**' : `**Targets missed:** ${misses.join('; ')}.`);
  L.push('');
  L.push(`Every measured login was checked: ${wrong} ended other than as a success for the user who asked; ${driveStats.extraCalls} strategy answered twice.`);
  L.push('');
  L.push('How it is measured:', '');
  L.push(
    '- **Directory**: slapd from the test harness (`__tests__/support/slapd.ts`, monitor backend on, `-d stats` logging as in the tests), ' +
      'base fixture plus 1,000 `inetOrgPerson` users `uid=b0001..b1000,ou=people` with `{SSHA}` passwords made in-process, ' +
      'in 20 `groupOfNames` groups of 50 (`cn=bench-g01..g20,ou=groups`). Logins alternate uid and mail, users in a scattered fixed order; all passwords right.',
    '- **strategy**: `new LabelStudioLdapStrategy({ ...optionsFromEnv(env), logger: silentLogger })` with `ldapEnv()` of the test harness ' +
      `(search mode, service account \`cn=svc\`, USE_USERNAME_FOR_LOGIN=1), AUTH_LDAP_USER_SEARCH_BASES=ou=people (one base, like the others), ` +
      'AUTH_LDAP_GROUP_SEARCH_FILTER_STR=(objectClass=groupOfNames), five role mappings and two workspaces over the bench groups; default pool ' +
      `(maxConnections ${POOL_SIZE}). One instance for the whole run, as in an application.`,
    '- **passport-ldapauth** 3.0.1 (ldapauth-fork 5, ldapjs 2): `searchBase` ou=people, `searchFilter` `(|(uid={{username}})(mail={{username}}))`, ' +
      '`groupSearchBase` ou=groups, `groupSearchFilter` `(&(objectClass=groupOfNames)(member={{dn}}))`, `bindDN`/`bindCredentials` cn=svc, same timeouts. ' +
      'It creates a new LdapAuth (two connections, service bind) for every login and unbinds both afterwards.',
    `- Both strategies are driven as Passport drives them: \`Object.create(strategy)\`, \`success\`/\`fail\`/\`error\` assigned, \`authenticate(req)\` with \`req.body = { username, password }\`.`,
    `- **floor**: plain ldapjs 3 with no strategy around it: one service connection bound as cn=svc and ${POOL_SIZE} connections for user binds ` +
      `(the strategy's default pool size), all opened before measuring; per login a user search on the service connection, the bind on a free bind connection, ` +
      'the group search on the service connection. No role mapping, no timeouts, string filters.',
    `- **Connections and operations** come from slapd: \`cn=Total,cn=Connections,cn=Monitor\` (monitorCounter) and \`monitorOpInitiated\` of ` +
      '`cn=<Bind|Search|Unbind|...>,cn=Operations,cn=Monitor`, read before and after each run over one rootdn connection opened at the start; ' +
      `the reader's own ${overhead.totalOps} operation per reading is subtracted. "new connections/login" is after a warm-up at the same concurrency (steady state).`,
    '- **CPU µs/login**: `process.cpuUsage()` of the benchmark process (all three contenders run in it) and utime+stime of slapd from /proc/<pid>/stat ' +
      '(10 ms ticks), each divided by the logins of the run. With two cores shared by both, logins/s is bounded by about 2 s / (client + slapd CPU per login).',
    '- Each measured run is a fixed number of logins (see the table); before the first round of a level every contender ' +
      'does a warm-up at that concurrency. c=1 latencies are one login at a time end to end.',
    '- The machine decides the ratio to passport-ldapauth more than the code: when client and slapd share two cores, logins/s is set by total CPU per login, ' +
      "so strategy / passport-ldapauth can only reach 2x where floor / passport-ldapauth is above 2x and the strategy's CPU per login is close to the floor's.",
  );
  return L.join('\n');
}

main().catch(async (err) => {
  console.error(err);
  await stopAllSlapd();
  process.exit(1);
});
