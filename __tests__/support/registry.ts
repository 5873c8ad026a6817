/**
 * Bookkeeping shared by slapd.ts and globalTeardown.ts, so that nothing started by a
 * test run outlives it:
 *  - on disk: one JSON file per temp folder in REGISTRY_DIR, naming the owning process and
 *    the slapd pid (if any); globalTeardown kills/removes what belongs to its run or to a dead owner;
 *  - in memory: synchronous cleanups hung on the REAL process object (jest hands each test
 *    file a copy of `process` whose 'exit' event never fires), run on process exit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

export const REGISTRY_DIR = path.join(os.tmpdir(), 'plsl-harness-registry');

export interface RegistryEntry {
  dir: string; // temp folder to remove
  ownerPid: number; // process that created it (a jest worker or the in-band jest process)
  ownerPpid: number;
  slapdPid?: number; // running slapd, if any
}

function entryFile(dir: string): string {
  return path.join(REGISTRY_DIR, `${path.basename(dir)}.json`);
}

export function register(dir: string, slapdPid?: number): void {
  fs.mkdirSync(REGISTRY_DIR, { recursive: true });
  const e: RegistryEntry = { dir, ownerPid: process.pid, ownerPpid: process.ppid, slapdPid };
  fs.writeFileSync(entryFile(dir), JSON.stringify(e));
}

export function unregister(dir: string): void {
  fs.rmSync(entryFile(dir), { force: true });
}

/** Whether a process with this pid exists (EPERM: it does, but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGKILLs pid only if it still is the slapd started for `dir` (guards against pid reuse). */
export function killSlapdOf(pid: number, dir: string): void {
  if (!processAlive(pid)) return;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.includes('slapd') || !cmd.includes(dir)) return;
  } catch {
    if (fs.existsSync('/proc/self')) return; // process vanished meanwhile
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function slapdPidFromFile(dir: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(path.join(dir, 'slapd.pid'), 'utf8'), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function destroyEntry(e: RegistryEntry): void {
  for (const pid of [e.slapdPid, slapdPidFromFile(e.dir)]) if (pid) killSlapdOf(pid, e.dir);
  fs.rmSync(e.dir, { recursive: true, force: true });
  unregister(e.dir);
}

/**
 * Cleans every entry owned by `runnerPid` (the in-band jest process), by one of its children
 * (jest workers), or by a process that no longer exists. Returns the folders cleaned.
 */
export function sweep(runnerPid: number): string[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(REGISTRY_DIR).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const cleaned: string[] = [];
  for (const name of names) {
    let e: RegistryEntry;
    try {
      e = JSON.parse(fs.readFileSync(path.join(REGISTRY_DIR, name), 'utf8')) as RegistryEntry;
    } catch {
      continue;
    }
    if (e.ownerPid === runnerPid || e.ownerPpid === runnerPid || !processAlive(e.ownerPid)) {
      destroyEntry(e);
      cleaned.push(e.dir);
    }
  }
  return cleaned;
}

// ---- in-memory cleanups on the real process -------------------------------------------

interface HarnessGlobal {
  cleanups: Map<string, () => void>;
}
const KEY = Symbol.for('passport-label-studio-ldap/test-harness');

/** The real `process` (inside jest, the global one is a copy whose events never fire). */
function realProcess(): NodeJS.Process {
  try {
    const p = vm.runInThisContext('process') as NodeJS.Process | undefined;
    if (p && typeof p.on === 'function') return p;
  } catch {
    /* fall through */
  }
  return process;
}

function harnessGlobal(): HarnessGlobal {
  const p = realProcess() as NodeJS.Process & { [KEY]?: HarnessGlobal };
  let g = p[KEY];
  if (!g) {
    const state: HarnessGlobal = { cleanups: new Map() };
    g = state;
    p[KEY] = state;
    p.on('exit', () => {
      for (const fn of state.cleanups.values()) {
        try {
          fn();
        } catch {
          /* best effort */
        }
      }
      state.cleanups.clear();
    });
  }
  return g;
}

/** Registers a synchronous cleanup (SIGKILL + rm) to run when the real process exits. */
export function onProcessExit(key: string, fn: () => void): void {
  harnessGlobal().cleanups.set(key, fn);
}

export function cancelOnProcessExit(key: string): void {
  harnessGlobal().cleanups.delete(key);
}

/** Per-process cache shared by all test files of one jest process. */
export function processScopedDir(prefix: string): string {
  return path.join(os.tmpdir(), `${prefix}-${realProcess().pid}`);
}
