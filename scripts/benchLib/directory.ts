// The benchmark directory: 1,000 users spread over 20 groups, {SSHA} passwords made here
// (SHA-1 of password + salt, then base64 of digest + salt), loaded into a slapd started by the
// test harness (__tests__/support/slapd.ts) with ldapAdd. Deterministic: the same run makes the
// same entries, so every contender sees the same directory.
import { createHash } from 'crypto';
import { startSlapd, stopAllSlapd, type SlapdServer } from '../../__tests__/support/slapd';

export const BASE_DN = 'dc=example,dc=test';
export const PEOPLE_BASE = `ou=people,${BASE_DN}`;
export const GROUP_BASE = `ou=groups,${BASE_DN}`;
export const GROUP_FILTER = '(objectClass=groupOfNames)';

export interface BenchUser {
  uid: string;
  dn: string;
  mail: string;
  password: string;
  /** Group DNs as they are written in the directory. */
  groups: string[];
}

export interface BenchDirectory {
  users: BenchUser[];
  groups: string[];
  ldif: string;
}

/** {SSHA}: base64(SHA1(password + salt) + salt), the format slapd checks on a simple bind. */
export function ssha(password: string, salt: Buffer): string {
  const digest = createHash('sha1').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** A salt derived from the uid, so the LDIF is the same on every run. */
function saltFor(uid: string): Buffer {
  return createHash('sha256').update(`bench-salt:${uid}`).digest().subarray(0, 8);
}

export function groupDn(n: number): string {
  return `cn=bench-g${String(n).padStart(2, '0')},${GROUP_BASE}`;
}

/** `userCount` users uid=b0001.., user i in group i mod `groupCount` (50 members each by default). */
export function benchDirectory(userCount = 1000, groupCount = 20, prefix = 'b'): BenchDirectory {
  const users: BenchUser[] = [];
  const members: string[][] = Array.from({ length: groupCount }, () => []);
  const width = Math.max(4, String(userCount).length);
  const out: string[] = [];
  for (let i = 1; i <= userCount; i++) {
    const uid = `${prefix}${String(i).padStart(width, '0')}`;
    const dn = `uid=${uid},${PEOPLE_BASE}`;
    const password = `pw-${uid}-secret`;
    const mail = `${uid}@bench.test`;
    const g = (i - 1) % groupCount;
    members[g].push(dn);
    users.push({ uid, dn, mail, password, groups: [groupDn(g + 1)] });
    out.push(
      [
        `dn: ${dn}`,
        'objectClass: inetOrgPerson',
        `uid: ${uid}`,
        `cn: Bench ${uid}`,
        `givenName: Bench`,
        `sn: ${uid}`,
        `mail: ${mail}`,
        `userPassword: ${ssha(password, saltFor(uid))}`,
        '',
      ].join('\n'),
    );
  }
  const groups: string[] = [];
  for (let g = 0; g < groupCount; g++) {
    const dn = groupDn(g + 1);
    groups.push(dn);
    out.push([`dn: ${dn}`, 'objectClass: groupOfNames', `cn: bench-g${String(g + 1).padStart(2, '0')}`, ...members[g].map((m) => `member: ${m}`), ''].join('\n'));
  }
  return { users, groups, ldif: out.join('\n') };
}

/**
 * Role and workspace mapping over the bench groups, as Label Studio variables:
 * g01 administrators, g02 managers, g03-g04 reviewers, g05-g20 annotators;
 * workspace "Bench A" = g01-g10, "Bench B" = g11-g20.
 */
export function benchMappingEnv(groupCount = 20): Record<string, string> {
  const range = (from: number, to: number): string =>
    Array.from({ length: to - from + 1 }, (_, k) => groupDn(from + k)).join(';');
  return {
    AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: groupDn(1),
    AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: groupDn(2),
    AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER: range(3, 4),
    AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: range(5, groupCount),
    AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON.stringify({ 'Bench A': range(1, 10), 'Bench B': range(11, groupCount) }),
  };
}

/** slapd with the monitor backend, the base fixture (service account cn=svc) and the bench users. */
export async function startBenchSlapd(dir: BenchDirectory, opts: { monitor?: boolean } = {}): Promise<SlapdServer> {
  return startSlapd({ overlays: opts.monitor === false ? [] : ['monitor'], tls: false, ldif: [dir.ldif] });
}

/** Stops every slapd this process started, also on Ctrl-C / SIGTERM. */
export function stopServersOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void stopAllSlapd().finally(() => process.exit(130));
    });
  }
}

export { stopAllSlapd };
export type { SlapdServer };
