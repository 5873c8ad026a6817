// Builds LdapOptions from environment variables (semantics.md section 1). Every problem is
// collected and reported at once in one LdapConfigError. File access only through OptionsIo.
import { LdapConfigError } from '../errors';
import { escapeDnValue, fillTemplate } from '../mapping/escape';
import { filterProblem, normalizeFilter } from '../mapping/filter';
import { ROLES, type AttributeMap, type LdapOptions, type Role, type RoleMappings } from '../types';
import { parseConnectionOptions } from './connectionOptions';
import { nodeFileIo, type OptionsIo } from './fileIo';
import { parseGroupType } from './groupType';
import { parseServerUris } from './serverUri';
import {
  FALSE_WORDS,
  TRUE_WORDS,
  cleanSecret,
  cleanValue,
  dnProblem,
  isAttributeName,
  parseBoolWord,
  q,
  splitList,
  type Env,
} from './values';
import { parseWorkspaces } from './workspaces';

export const PLACEHOLDER = '%(user)s';
export const DEFAULT_GROUP_FILTER = '(objectClass=*)';
export const DEFAULT_ATTRIBUTES: Readonly<AttributeMap> = {
  firstName: 'givenName',
  lastName: 'sn',
  email: 'mail',
  username: 'uid',
};

/** Environment variable of each role mapping. */
export function roleVariable(role: Role): string {
  return `AUTH_LDAP_ORGANIZATION_ROLE_${role.toUpperCase()}`;
}

const ATTRIBUTE_VARIABLES: Readonly<Record<keyof AttributeMap, string>> = {
  firstName: 'AUTH_LDAP_USER_ATTR_MAP_FIRST_NAME',
  lastName: 'AUTH_LDAP_USER_ATTR_MAP_LAST_NAME',
  email: 'AUTH_LDAP_USER_ATTR_MAP_EMAIL',
  username: 'AUTH_LDAP_USER_ATTR_MAP_USERNAME',
};

/** Every variable this module reads (unknown AUTH_LDAP_* names produce a warning). */
export const KNOWN_VARIABLES: readonly string[] = [
  'AUTH_LDAP_ENABLED',
  'AUTH_LDAP_SERVER_URI',
  'AUTH_LDAP_BIND_DN',
  'AUTH_LDAP_BIND_PASSWORD',
  'AUTH_LDAP_START_TLS',
  'USE_USERNAME_FOR_LOGIN',
  'AUTH_LDAP_USER_DN_TEMPLATE',
  'AUTH_LDAP_USER_SEARCH_BASES',
  'AUTH_LDAP_USER_SEARCH_FILTER',
  'AUTH_LDAP_ORGANIZATION_OWNER_EMAIL',
  ...Object.values(ATTRIBUTE_VARIABLES),
  'AUTH_LDAP_USER_QUERY_FIELD',
  'AUTH_LDAP_GROUP_SEARCH_BASE_DN',
  'AUTH_LDAP_GROUP_SEARCH_FILTER_STR',
  'AUTH_LDAP_GROUP_TYPE',
  ...ROLES.map(roleVariable),
  'AUTH_LDAP_ORGANIZATION_WORKSPACES',
  'MANUAL_PROJECT_MEMBER_MANAGEMENT',
  'MANUAL_WORKSPACE_MANAGEMENT',
  'MANUAL_ROLE_MANAGEMENT',
  'AUTH_LDAP_CONNECTION_OPTIONS',
];

/** AUTH_LDAP_ENABLED is `1`, `true`, `yes` or `on` (any case, quotes and spaces ignored). */
export function isLdapEnabled(env: Env): boolean {
  const v = cleanValue(env.AUTH_LDAP_ENABLED);
  return v !== null && TRUE_WORDS.includes(v.toLowerCase());
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** Replaces every occurrence of the secret (when it is long enough to be recognisable). */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

export function optionsFromEnv(env: Env, io: OptionsIo = nodeFileIo): LdapOptions {
  const problems: string[] = [];
  const warnings: string[] = [];
  const get = (name: string): string | null => cleanValue(env[name]);

  /** A yes/no variable: unset gives `fallback`, an unknown word is a problem. */
  const bool = (name: string, fallback: boolean): boolean => {
    const v = get(name);
    if (v === null) return fallback;
    const b = parseBoolWord(v);
    if (b === null) {
      problems.push(`${name}: ${q(v)} is not a yes/no value; use ${TRUE_WORDS.join('/')} or ${FALSE_WORDS.join('/')}`);
      return fallback;
    }
    return b;
  };

  /** `;`-separated DNs; every one must parse. */
  const dnList = (name: string): string[] => {
    const v = get(name);
    if (v === null) return [];
    const dns: string[] = [];
    for (const dn of splitList(v)) {
      const p = dnProblem(dn);
      if (p === null) dns.push(dn);
      else problems.push(`${name}: ${q(dn)} is not a valid DN (${p})`);
    }
    return dns;
  };

  // AUTH_LDAP_ENABLED
  if (!isLdapEnabled(env)) problems.push('AUTH_LDAP_ENABLED is not set to 1 (LDAP login is disabled); set AUTH_LDAP_ENABLED=1 (1, true, yes or on) to use LDAP login, or check isLdapEnabled(process.env) before creating the strategy');

  // AUTH_LDAP_SERVER_URI
  const serverValue = get('AUTH_LDAP_SERVER_URI');
  let servers: LdapOptions['servers'] = [];
  if (serverValue === null) {
    problems.push('AUTH_LDAP_SERVER_URI: required; set it to ldaps://ldap.example.com (several URIs separated by spaces or commas)');
  } else {
    const r = parseServerUris(serverValue);
    servers = r.servers;
    problems.push(...r.problems);
  }

  // AUTH_LDAP_BIND_DN / AUTH_LDAP_BIND_PASSWORD (the password is never quoted in any message)
  const bindDn = get('AUTH_LDAP_BIND_DN');
  const bindPassword = cleanSecret(env.AUTH_LDAP_BIND_PASSWORD);
  if (bindDn !== null) {
    // Active Directory also binds by UPN (svc@corp.example.com) or down-level name (CORP\svc).
    const p = isAdBindName(bindDn) ? null : dnProblem(bindDn);
    if (p !== null) {
      problems.push(
        `AUTH_LDAP_BIND_DN: ${q(bindDn)} is not a valid DN (${p}); give the service account's full DN, like cn=ldap-reader,ou=services,dc=example,dc=com (or, for Active Directory, its user principal name svc@corp.example.com)`,
      );
    }
    if (bindPassword === null) {
      problems.push(
        'AUTH_LDAP_BIND_PASSWORD: empty while AUTH_LDAP_BIND_DN is set (that would be an unauthenticated bind); set the service account password, or unset AUTH_LDAP_BIND_DN for an anonymous service bind',
      );
    }
  } else if (bindPassword !== null) {
    problems.push(
      'AUTH_LDAP_BIND_DN: empty while AUTH_LDAP_BIND_PASSWORD is set; set the service account DN, or unset AUTH_LDAP_BIND_PASSWORD for an anonymous service bind',
    );
  }

  // AUTH_LDAP_START_TLS (ext)
  const startTls = bool('AUTH_LDAP_START_TLS', false);
  if (startTls) {
    const secure = servers.filter((s) => s.secure).map((s) => s.url);
    if (secure.length > 0) {
      problems.push(
        `AUTH_LDAP_START_TLS: cannot be combined with ldaps:// (${secure.join(', ')} is already TLS); use ldap:// URIs with StartTLS, or turn AUTH_LDAP_START_TLS off`,
      );
    }
  } else {
    const plain = servers.filter((s) => !s.secure).map((s) => s.url);
    if (plain.length > 0) {
      warnings.push(
        `AUTH_LDAP_SERVER_URI: ${plain.join(', ')} is not encrypted and AUTH_LDAP_START_TLS is off, so passwords cross the network in clear text; use ldaps:// or AUTH_LDAP_START_TLS=1`,
      );
    }
  }

  // USE_USERNAME_FOR_LOGIN
  const allowUsername = bool('USE_USERNAME_FOR_LOGIN', false);

  // AUTH_LDAP_USER_ATTR_MAP_*
  const attributes: AttributeMap = { ...DEFAULT_ATTRIBUTES };
  const validAttributes: AttributeMap = { ...DEFAULT_ATTRIBUTES };
  for (const field of Object.keys(ATTRIBUTE_VARIABLES) as (keyof AttributeMap)[]) {
    const name = ATTRIBUTE_VARIABLES[field];
    const v = get(name);
    if (v === null) continue;
    attributes[field] = v;
    if (isAttributeName(v)) validAttributes[field] = v;
    else {
      problems.push(
        `${name}: ${q(v)} is not an LDAP attribute name (letters, digits and hyphens, starting with a letter, e.g. ${DEFAULT_ATTRIBUTES[field]})`,
      );
    }
  }

  // AUTH_LDAP_USER_DN_TEMPLATE
  const template = get('AUTH_LDAP_USER_DN_TEMPLATE');
  if (template !== null) {
    const count = template.split(PLACEHOLDER).length - 1;
    if (count !== 1) {
      problems.push(
        `AUTH_LDAP_USER_DN_TEMPLATE: must contain ${PLACEHOLDER} exactly once (found ${count}); write it like uid=${PLACEHOLDER},ou=Users,dc=example,dc=com, or leave it empty to search with AUTH_LDAP_USER_SEARCH_BASES`,
      );
    } else {
      const p = dnProblem(fillTemplate(template, 'sample.user', escapeDnValue));
      if (p !== null) {
        const upnHint = !template.includes('=')
          ? '; for Active Directory logins like user@domain leave the template empty and use AUTH_LDAP_USER_SEARCH_BASES with AUTH_LDAP_USER_SEARCH_FILTER=(userPrincipalName=%(user)s)'
          : '';
        problems.push(
          `AUTH_LDAP_USER_DN_TEMPLATE: does not give a valid DN once ${PLACEHOLDER} is filled in (${p}); write it like uid=${PLACEHOLDER},ou=Users,dc=example,dc=com${upnHint}`,
        );
      }
    }
  }

  // AUTH_LDAP_USER_SEARCH_BASES
  const userSearchBases = dnList('AUTH_LDAP_USER_SEARCH_BASES');
  if (template === null) {
    // Bases that were given but do not parse are already reported above.
    if (splitList(get('AUTH_LDAP_USER_SEARCH_BASES') ?? '').length === 0) {
      problems.push(
        'AUTH_LDAP_USER_SEARCH_BASES: required when AUTH_LDAP_USER_DN_TEMPLATE is empty (search mode); set ;-separated base DNs like ou=people,dc=example,dc=com, or set AUTH_LDAP_USER_DN_TEMPLATE',
      );
    }
  } else if (get('AUTH_LDAP_USER_SEARCH_BASES') !== null) {
    warnings.push(
      'AUTH_LDAP_USER_SEARCH_BASES is ignored because AUTH_LDAP_USER_DN_TEMPLATE is set (direct bind); empty the template to search instead',
    );
  }

  // AUTH_LDAP_USER_SEARCH_FILTER (ext)
  const searchFilterValue = get('AUTH_LDAP_USER_SEARCH_FILTER');
  let userSearchFilter: string;
  if (searchFilterValue === null) {
    const emailClause = `(${validAttributes.email}=${PLACEHOLDER})`;
    const usernameClause = `(${validAttributes.username}=${PLACEHOLDER})`;
    userSearchFilter =
      allowUsername && validAttributes.username.toLowerCase() !== validAttributes.email.toLowerCase()
        ? `(|${usernameClause}${emailClause})`
        : emailClause;
  } else {
    userSearchFilter = normalizeFilter(searchFilterValue);
    const p = filterProblem(userSearchFilter);
    if (p !== null) {
      problems.push(`AUTH_LDAP_USER_SEARCH_FILTER: ${q(searchFilterValue)} is not a valid LDAP filter (${p})`);
    } else if (!userSearchFilter.includes(PLACEHOLDER)) {
      problems.push(
        `AUTH_LDAP_USER_SEARCH_FILTER: must contain ${PLACEHOLDER} where the login name goes, like (sAMAccountName=${PLACEHOLDER})`,
      );
    }
  }

  // AUTH_LDAP_ORGANIZATION_OWNER_EMAIL
  const organizationOwnerEmail = get('AUTH_LDAP_ORGANIZATION_OWNER_EMAIL');
  if (organizationOwnerEmail !== null && !/^[^\s@]+@[^\s@]+$/.test(organizationOwnerEmail)) {
    problems.push(
      `AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: ${q(organizationOwnerEmail)} is not an email address; give the email of the organization owner`,
    );
  }

  // AUTH_LDAP_USER_QUERY_FIELD
  let queryField: LdapOptions['queryField'] = 'email';
  const queryValue = get('AUTH_LDAP_USER_QUERY_FIELD');
  if (queryValue !== null) {
    const v = queryValue.toLowerCase();
    if (v === 'email' || v === 'username') queryField = v;
    else problems.push(`AUTH_LDAP_USER_QUERY_FIELD: ${q(queryValue)} is not valid; use email or username`);
  }

  // AUTH_LDAP_GROUP_TYPE
  const groupType = parseGroupType(get('AUTH_LDAP_GROUP_TYPE'));
  const group: LdapOptions['group'] = {
    type: 'groupOfNames',
    nameAttribute: 'cn',
    searchBase: null,
    filter: DEFAULT_GROUP_FILTER,
  };
  if (typeof groupType === 'string') problems.push(groupType);
  else {
    group.type = groupType.type;
    group.nameAttribute = groupType.nameAttribute;
    if (groupType.warning) warnings.push(groupType.warning);
  }

  // AUTH_LDAP_GROUP_SEARCH_FILTER_STR
  const groupFilterValue = get('AUTH_LDAP_GROUP_SEARCH_FILTER_STR');
  if (groupFilterValue !== null) {
    const f = normalizeFilter(groupFilterValue);
    const p = filterProblem(f);
    if (p !== null) {
      problems.push(`AUTH_LDAP_GROUP_SEARCH_FILTER_STR: ${q(groupFilterValue)} is not a valid LDAP filter (${p})`);
    } else if (f.includes(PLACEHOLDER)) {
      problems.push(
        `AUTH_LDAP_GROUP_SEARCH_FILTER_STR: must not contain ${PLACEHOLDER}; it only selects which entries are groups, like (objectClass=groupOfNames)`,
      );
    } else {
      group.filter = f;
    }
  }

  // Role mappings
  const roles = {} as RoleMappings;
  for (const role of ROLES) roles[role] = dnList(roleVariable(role));

  // AUTH_LDAP_ORGANIZATION_WORKSPACES
  const ws = parseWorkspaces(get('AUTH_LDAP_ORGANIZATION_WORKSPACES'));
  problems.push(...ws.problems);
  const workspaces = ws.workspaces;

  // AUTH_LDAP_GROUP_SEARCH_BASE_DN
  const groupBase = get('AUTH_LDAP_GROUP_SEARCH_BASE_DN');
  if (groupBase !== null) {
    const p = dnProblem(groupBase);
    if (p !== null) problems.push(`AUTH_LDAP_GROUP_SEARCH_BASE_DN: ${q(groupBase)} is not a valid DN (${p})`);
    else if (group.type !== 'memberOf') group.searchBase = groupBase;
  } else if (typeof groupType !== 'string' && group.type !== 'memberOf') {
    // (With an unknown group type that problem is reported instead: the type may not search.)
    const mapped =
      ROLES.some((r) => splitList(get(roleVariable(r)) ?? '').length > 0) ||
      get('AUTH_LDAP_ORGANIZATION_WORKSPACES') !== null;
    if (mapped) {
      problems.push(
        `AUTH_LDAP_GROUP_SEARCH_BASE_DN: required because role or workspace mappings are set and AUTH_LDAP_GROUP_TYPE=${group.type} finds groups by searching; set the DN under which the groups live, like ou=groups,dc=example,dc=com`,
      );
    }
  }

  // MANUAL_*_MANAGEMENT
  const manual = {
    role: bool('MANUAL_ROLE_MANAGEMENT', true),
    workspace: bool('MANUAL_WORKSPACE_MANAGEMENT', true),
    projectMember: bool('MANUAL_PROJECT_MEMBER_MANAGEMENT', true),
  };

  // AUTH_LDAP_CONNECTION_OPTIONS
  const conn = parseConnectionOptions(get('AUTH_LDAP_CONNECTION_OPTIONS'), io);
  problems.push(...conn.problems);
  warnings.push(...conn.warnings);

  // Unknown AUTH_LDAP_* names are most likely typos.
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('AUTH_LDAP_') || KNOWN_VARIABLES.includes(name)) continue;
    const best = KNOWN_VARIABLES.map((k) => ({ k, d: editDistance(name, k) })).sort((a, b) => a.d - b.d)[0];
    const hint = best.d <= 3 ? `; did you mean ${best.k}?` : '';
    warnings.push(`${name} is set but not used by this strategy${hint}`);
  }

  // Belt and braces: no message quotes the password, but one may quote another variable into
  // which it was pasted by mistake, verbatim or JSON-escaped.
  const secrets = [env.AUTH_LDAP_BIND_PASSWORD ?? '', bindPassword ?? '']
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
  if (problems.length > 0) throw new LdapConfigError(problems.map((p) => scrub(p, secrets)));

  return {
    servers,
    bindDn,
    bindPassword,
    startTls,
    allowUsername,
    userDnTemplate: template,
    userSearchBases,
    userSearchFilter,
    organizationOwnerEmail,
    attributes,
    queryField,
    group,
    roles,
    workspaces,
    manual,
    tls: conn.tls,
    networkTimeoutMs: conn.networkTimeoutMs,
    operationTimeoutMs: conn.operationTimeoutMs,
    warnings: warnings.map((w) => scrub(w, secrets)),
  };
}

/** An Active Directory user principal name or down-level logon name, neither of which is a DN. */
function isAdBindName(value: string): boolean {
  return /^[^\s@=,\\]+@[^\s@=,]+$/.test(value) || /^[A-Za-z0-9][A-Za-z0-9.-]{0,14}\\[^\s\\=,@]+$/.test(value);
}
