// CPU time of another process (slapd), from /proc/<pid>/stat (utime + stime, clock ticks).
import * as fs from 'fs';
import * as path from 'path';

const TICK_US = 1e6 / 100; // CLK_TCK is 100 on Linux

export function slapdPid(dir: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dir, 'slapd.pid'), 'utf8'), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** utime + stime of `pid` in µs, or NaN when it cannot be read. */
export function processCpuUs(pid: number | null): number {
  if (pid === null) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14, stime field 15
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return NaN;
  }
}
