// Group DN -> role / workspaces matching, used on every login. Configured DNs are normalised
// once; each login then costs one normalizeDn per group of the user plus Map lookups.
import type { LdapOptions, Role } from '../types';
import { fallbackDnKey, normalizeDn } from './dn';
import { ROLE_PRECEDENCE } from './precedence';

export interface GroupMatcher {
  role(groupDns: readonly string[]): Role | null;
  workspaces(groupDns: readonly string[]): string[];
}

export type MappingOptions = Pick<LdapOptions, 'roles' | 'manual' | 'workspaces'>;

function tryNormalize(dn: string): string | null {
  try {
    return normalizeDn(dn);
  } catch {
    return null;
  }
}

/**
 * DN -> values, with exactly dnEquals' rule: two DNs that both parse compare normalised;
 * when either does not parse, they compare as trimmed lower-cased strings.
 */
class DnIndex<T> {
  private readonly byNormal = new Map<string, T[]>();
  /** Configured DNs that did not parse, by fallback key. */
  private readonly unparsed = new Map<string, T[]>();
  /** Every configured DN by fallback key, for server DNs that do not parse. */
  private readonly byFallback = new Map<string, T[]>();

  add(dn: string, value: T): void {
    const normal = tryNormalize(dn);
    const fallback = fallbackDnKey(dn);
    if (normal === null) push(this.unparsed, fallback, value);
    else push(this.byNormal, normal, value);
    push(this.byFallback, fallback, value);
  }

  /** Calls `visit` for every value configured under a DN equal to `dn`. */
  forEach(dn: string, visit: (value: T) => void): void {
    const normal = tryNormalize(dn);
    const fallback = fallbackDnKey(dn);
    const lists = normal === null ? [this.byFallback.get(fallback)] : [this.byNormal.get(normal), this.unparsed.get(fallback)];
    for (const list of lists) list?.forEach(visit);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const isBlank = (dn: string): boolean => dn.trim() === '';

type RoleOptions = Pick<LdapOptions, 'roles' | 'manual'>;
type WorkspaceOptions = Pick<LdapOptions, 'workspaces'>;

function compileRoles(options: RoleOptions): GroupMatcher['role'] {
  const index = new DnIndex<number>(); // DN -> position in ROLE_PRECEDENCE (lower wins)
  let anyRoleMapping = false;
  ROLE_PRECEDENCE.forEach((role, rank) => {
    for (const dn of options.roles[role] ?? []) {
      if (isBlank(dn)) continue;
      index.add(dn, rank);
      anyRoleMapping = true;
    }
  });
  // LDAP-owned roles (MANUAL_ROLE_MANAGEMENT=0) with mappings: no match means no access.
  const unmatched: Role | null = options.manual.role === false && anyRoleMapping ? 'deactivated' : null;

  return (groupDns) => {
    let best = ROLE_PRECEDENCE.length;
    for (const dn of groupDns) {
      index.forEach(dn, (rank) => {
        if (rank < best) best = rank;
      });
    }
    return best < ROLE_PRECEDENCE.length ? ROLE_PRECEDENCE[best] : unmatched;
  };
}

function compileWorkspaces(options: WorkspaceOptions): GroupMatcher['workspaces'] {
  const index = new DnIndex<number>(); // DN -> position in options.workspaces
  options.workspaces.forEach((ws, i) => {
    for (const dn of ws.groups) if (!isBlank(dn)) index.add(dn, i);
  });
  const titles = options.workspaces.map((ws) => ws.title);

  return (groupDns) => {
    const hit = new Set<number>();
    for (const dn of groupDns) index.forEach(dn, (i) => hit.add(i));
    // Configuration order, each title once even if it was configured twice.
    const result = new Set<string>();
    [...hit].sort((a, b) => a - b).forEach((i) => result.add(titles[i]));
    return [...result];
  };
}

export function compileMapping(options: MappingOptions): GroupMatcher {
  return { role: compileRoles(options), workspaces: compileWorkspaces(options) };
}

// Compiled matchers per options object, for resolveRole / resolveWorkspaces. Options are
// treated as immutable once built; two maps because either wrapper may get the full options.
const roleCache = new WeakMap<RoleOptions, GroupMatcher['role']>();
const workspaceCache = new WeakMap<WorkspaceOptions, GroupMatcher['workspaces']>();

export function roleMatcherFor(options: RoleOptions): GroupMatcher['role'] {
  let fn = roleCache.get(options);
  if (!fn) roleCache.set(options, (fn = compileRoles(options)));
  return fn;
}

export function workspaceMatcherFor(options: WorkspaceOptions): GroupMatcher['workspaces'] {
  let fn = workspaceCache.get(options);
  if (!fn) workspaceCache.set(options, (fn = compileWorkspaces(options)));
  return fn;
}
