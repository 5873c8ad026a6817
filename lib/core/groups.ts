// Builds the group-membership searches of semantics.md section 3 and runs them, nested types
// included. Every value put into a filter is filter-escaped exactly once, then parsed into an AST.
import type { Entry, LdapConnection } from '../ldap';
import { dnKey } from '../mapping/dn';
import { escapeFilterValue } from '../mapping/escape';
import { parseFilter } from '../mapping/filterParser';
import type { GroupOptions, GroupType } from '../types';

const MEMBER_ATTR: Partial<Record<GroupType, string>> = {
  groupOfNames: 'member',
  activeDirectory: 'member',
  nestedGroupOfNames: 'member',
  groupOfUniqueNames: 'uniqueMember',
  nestedGroupOfUniqueNames: 'uniqueMember',
  organizationalRole: 'roleOccupant',
  nestedOrganizationalRole: 'roleOccupant',
};

const NESTED: ReadonlySet<GroupType> = new Set(['nestedGroupOfNames', 'nestedGroupOfUniqueNames', 'nestedOrganizationalRole']);

/** Members per query when expanding nested groups, to keep filters a sensible size. */
const NESTED_BATCH = 50;
/** Nesting deeper than this is a configuration loop we refuse to chase further. */
const MAX_NESTING = 32;

/** Attributes the user entry must carry for the group type. */
export function groupAttributesOf(type: GroupType): string[] {
  if (type === 'memberOf') return ['memberOf'];
  if (type === 'posixGroup') return ['uid', 'gidNumber'];
  return [];
}

function first(entry: Entry, attr: string): string | null {
  return entry.attributes[attr.toLowerCase()]?.[0] ?? null;
}

function eq(attr: string, value: string): string {
  return `(${attr}=${escapeFilterValue(value)})`;
}


/** The user's group DNs as the server spells them, in the order found. */
export async function findGroups(
  conn: LdapConnection,
  group: GroupOptions,
  user: Entry,
  usernameAttr: string,
): Promise<string[]> {
  if (group.type === 'memberOf') return user.attributes.memberof ?? [];
  const base = group.searchBase;
  if (base === null) return [];
  const search = async (memberClause: string): Promise<string[]> => {
    const filter = parseFilter(`(&${group.filter}${memberClause})`);
    const result = await conn.search(base, { scope: 'sub', filter, attributes: ['1.1'], paged: true });
    return result.entries.map((e) => e.dn);
  };

  if (group.type === 'posixGroup') {
    const uid = first(user, 'uid') ?? first(user, usernameAttr);
    const gid = first(user, 'gidNumber');
    const parts = [uid !== null ? eq('memberUid', uid) : '', gid !== null ? eq('gidNumber', gid) : ''].join('');
    return parts ? search(`(|${parts})`) : [];
  }
  if (group.type === 'nestedActiveDirectory') {
    return search(`(member:1.2.840.113556.1.4.1941:=${escapeFilterValue(user.dn)})`);
  }
  const attr = MEMBER_ATTR[group.type] ?? 'member';
  const direct = await search(eq(attr, user.dn));
  if (!NESTED.has(group.type)) return direct;

  // Breadth-first: groups that contain any group found so far, until nothing new turns up.
  const seen = new Set<string>([dnKey(user.dn)]);
  const found: string[] = [];
  let frontier = direct.filter((dn) => addNew(seen, dn) && found.push(dn) > 0);
  for (let depth = 0; frontier.length > 0 && depth < MAX_NESTING; depth++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += NESTED_BATCH) {
      const batch = frontier.slice(i, i + NESTED_BATCH);
      const parents = await search(`(|${batch.map((dn) => eq(attr, dn)).join('')})`);
      for (const dn of parents) if (addNew(seen, dn)) next.push(dn);
    }
    found.push(...next);
    frontier = next;
  }
  return found;
}

function addNew(seen: Set<string>, dn: string): boolean {
  const k = dnKey(dn);
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
}
