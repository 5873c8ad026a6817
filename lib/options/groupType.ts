// AUTH_LDAP_GROUP_TYPE (semantics.md section 3). Pure.
import type { GroupType } from '../types';
import { isAttributeName, q } from './values';

const VAR = 'AUTH_LDAP_GROUP_TYPE';

/** Canonical names in the order they are listed to the operator. */
export const GROUP_TYPES: readonly GroupType[] = [
  'groupOfNames',
  'groupOfUniqueNames',
  'posixGroup',
  'organizationalRole',
  'activeDirectory',
  'nestedGroupOfNames',
  'nestedGroupOfUniqueNames',
  'nestedOrganizationalRole',
  'nestedActiveDirectory',
  'memberOf',
];

/**
 * Spellings, compared after lower-casing, removing `-` / `_` and one trailing `type`.
 * The `...group` forms are the django-auth-ldap class names (`ActiveDirectoryGroupType`,
 * `PosixGroupType`, `OrganizationalRoleGroupType`, ...).
 */
const ALIASES: Readonly<Record<string, GroupType>> = {
  groupofnames: 'groupOfNames',
  groupofuniquenames: 'groupOfUniqueNames',
  posixgroup: 'posixGroup',
  posix: 'posixGroup',
  organizationalrole: 'organizationalRole',
  organizationalrolegroup: 'organizationalRole',
  activedirectory: 'activeDirectory',
  activedirectorygroup: 'activeDirectory',
  nestedgroupofnames: 'nestedGroupOfNames',
  nestedgroupofuniquenames: 'nestedGroupOfUniqueNames',
  nestedorganizationalrole: 'nestedOrganizationalRole',
  nestedorganizationalrolegroup: 'nestedOrganizationalRole',
  nestedactivedirectory: 'nestedActiveDirectory',
  nestedactivedirectorygroup: 'nestedActiveDirectory',
  memberof: 'memberOf',
};

export const DEFAULT_GROUP_NAME_ATTRIBUTE = 'cn';

export interface ParsedGroupType {
  type: GroupType;
  nameAttribute: string;
  /** Set when a bare attribute name is unusual enough to be a typo. */
  warning?: string;
}

/** Words of the group type names: a value containing one is a misspelt type, not an attribute. */
const TYPE_WORDS = /group|posix|member|active|directory|nested|organi[sz]ational|role|unique/i;
/** Attributes that commonly name groups; others are accepted with a warning. */
const NAMING_ATTRIBUTES = new Set(['cn', 'ou', 'o', 'name', 'uid', 'dc', 'displayname', 'samaccountname', 'description']);

function key(value: string): { key: string; hadTypeSuffix: boolean } {
  let k = value.toLowerCase().replace(/[-_]/g, '');
  const hadTypeSuffix = k.length > 4 && k.endsWith('type');
  if (hadTypeSuffix) k = k.slice(0, -4);
  return { key: k, hadTypeSuffix };
}

function unknown(value: string): string {
  return (
    `${VAR}: unknown group type ${q(value)}; accepted (any case, an optional trailing "Type"): ` +
    `${GROUP_TYPES.join(', ')}, posix, or a bare attribute name such as cn or ou ` +
    `(groupOfNames, with that attribute as the group name)`
  );
}

/** null (unset) is groupOfNames named by cn. Returns the parsed type or a problem string. */
export function parseGroupType(value: string | null): ParsedGroupType | string {
  if (value === null) return { type: 'groupOfNames', nameAttribute: DEFAULT_GROUP_NAME_ATTRIBUTE };
  const k = key(value);
  const known = ALIASES[k.key];
  if (known) return { type: known, nameAttribute: DEFAULT_GROUP_NAME_ATTRIBUTE };
  // A class name we do not implement (MemberDNGroupType, NISGroupType, ...) is not an attribute.
  if (k.hadTypeSuffix || !isAttributeName(value) || TYPE_WORDS.test(value)) return unknown(value);
  if (NAMING_ATTRIBUTES.has(value.toLowerCase())) return { type: 'groupOfNames', nameAttribute: value };
  return {
    type: 'groupOfNames',
    nameAttribute: value,
    warning:
      `${VAR}=${value} is read as a bare attribute name (groupOfNames, groups named by ${value}); ` +
      `if you meant a group type, use one of ${GROUP_TYPES.join(', ')}`,
  };
}
