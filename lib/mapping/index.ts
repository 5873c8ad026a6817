// Pure mapping helpers: DNs, escaping, filter validation, group -> role / workspace matching.
export { DnSyntaxError, parseDn, escapeDnValue, normalizeDn, dnEquals, formatDn } from './dn';
export type { Ava, Rdn } from './dn';
export { escapeFilterValue, fillTemplate } from './escape';
export { filterProblem, normalizeFilter } from './filter';
export { ROLE_PRECEDENCE, resolveRole } from './roles';
export { resolveWorkspaces } from './workspaces';
export { compileMapping } from './matcher';
export type { GroupMatcher } from './matcher';
