// TCP connections from THIS process to a port: /proc/net/tcp(6) rows whose socket inode is one of
// our file descriptors. openConnectionsTo() of the test harness counts every process on the
// machine (other test runs' slapd servers included), which is noisy on a shared machine.
import * as fs from 'fs';

const OPEN_STATES = new Set(['01', '02', '03', '04', '05', '08', '09', '0B']);

function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = fs.readdirSync('/proc/self/fd');
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

export function ownConnectionsTo(port: number): number {
  const mine = ownSocketInodes();
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (parseInt(cols[2].split(':')[1], 16) === port && OPEN_STATES.has(cols[3]) && mine.has(cols[9])) count++;
    }
  }
  return count;
}
