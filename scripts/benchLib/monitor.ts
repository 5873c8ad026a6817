// Reads slapd's own counters from the monitor backend (cn=Monitor, readable by the rootdn):
//   cn=Total,cn=Connections,cn=Monitor      monitorCounter      connections accepted since start
//   cn=<Op>,cn=Operations,cn=Monitor        monitorOpInitiated  operations of that kind received
// over ONE connection opened at the start, with ONE search per snapshot. The reader's own search
// is counted by slapd too; calibrate() measures that overhead and delta() subtracts it.
import { bind, connect, search, type Ldapjs3Client } from './ldapjsPlain';
import type { SlapdServer } from './directory';

export const OPS = ['Bind', 'Unbind', 'Search', 'Compare', 'Modify', 'Modrdn', 'Add', 'Delete', 'Abandon', 'Extended'] as const;
export type OpName = (typeof OPS)[number];

export interface Snapshot {
  connections: number;
  ops: Record<OpName, number>;
}

export interface Delta {
  connections: number;
  ops: Record<OpName, number>;
  /** All operations (sum over OPS). */
  totalOps: number;
}

function zeroOps(): Record<OpName, number> {
  return Object.fromEntries(OPS.map((o) => [o, 0])) as Record<OpName, number>;
}

export class MonitorReader {
  private overhead: Delta = { connections: 0, ops: zeroOps(), totalOps: 0 };

  private constructor(private readonly client: Ldapjs3Client) {}

  static async open(server: SlapdServer): Promise<MonitorReader> {
    const client = await connect(server.url);
    const err = await bind(client, server.adminDn, server.adminPassword);
    if (err) throw err;
    const r = new MonitorReader(client);
    await r.calibrate();
    return r;
  }

  async snapshot(): Promise<Snapshot> {
    const entries = await search(this.client, 'cn=Monitor', {
      scope: 'sub',
      filter: '(|(&(objectClass=monitorCounterObject)(cn=Total))(objectClass=monitorOperation))',
      attributes: ['monitorCounter', 'monitorOpInitiated'],
    });
    const snap: Snapshot = { connections: NaN, ops: zeroOps() };
    for (const e of entries) {
      const dn = e.dn.toLowerCase().replace(/\s+/g, '');
      const value = (name: string): number => Number(e.attributes.find((a) => a.type.toLowerCase() === name.toLowerCase())?.values[0] ?? NaN);
      if (dn === 'cn=total,cn=connections,cn=monitor') snap.connections = value('monitorCounter');
      for (const op of OPS) if (dn === `cn=${op.toLowerCase()},cn=operations,cn=monitor`) snap.ops[op] = value('monitorOpInitiated');
    }
    if (!Number.isFinite(snap.connections)) throw new Error('cn=Total,cn=Connections,cn=Monitor not readable: is the monitor backend on?');
    return snap;
  }

  /** after - before, minus what the reader itself caused (one search per snapshot). */
  delta(before: Snapshot, after: Snapshot): Delta {
    const ops = zeroOps();
    let totalOps = 0;
    for (const op of OPS) {
      ops[op] = after.ops[op] - before.ops[op] - this.overhead.ops[op];
      totalOps += ops[op];
    }
    return { connections: after.connections - before.connections - this.overhead.connections, ops, totalOps };
  }

  private async calibrate(): Promise<void> {
    const a = await this.snapshot();
    const b = await this.snapshot();
    this.overhead = { connections: 0, ops: zeroOps(), totalOps: 0 };
    const d = this.delta(a, b);
    this.overhead = d;
  }

  get readerOverhead(): Delta {
    return this.overhead;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(() => {
        this.client.destroy();
        r();
      }, 500);
      this.client.unbind(() => {
        clearTimeout(t);
        this.client.destroy();
        r();
      });
    });
  }
}
