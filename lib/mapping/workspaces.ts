// Workspace resolution (semantics.md section 5); the rules live in matcher.ts.
import type { LdapOptions } from '../types';
import { workspaceMatcherFor } from './matcher';

/** Titles of every workspace one of whose groups the user is in, in configuration order, each once. */
export function resolveWorkspaces(groupDns: readonly string[], options: Pick<LdapOptions, 'workspaces'>): string[] {
  return workspaceMatcherFor(options)(groupDns);
}
