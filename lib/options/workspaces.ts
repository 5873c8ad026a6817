// AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON object, workspace title -> `;`-separated group DNs. Pure.
import type { WorkspaceMapping } from '../types';
import { dnProblem, errorText, q, splitList } from './values';

const VAR = 'AUTH_LDAP_ORGANIZATION_WORKSPACES';

/**
 * Keys of the top-level JSON object in source order. JSON.parse's own key order puts
 * integer-like keys ("2024") first; titles must keep the order they were written in.
 * Only called on text JSON.parse accepted as an object.
 */
export function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        keys.push(JSON.parse(json.slice(i, j + 1)) as string);
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

export function parseWorkspaces(value: string | null): { workspaces: WorkspaceMapping[]; problems: string[] } {
  const workspaces: WorkspaceMapping[] = [];
  const problems: string[] = [];
  if (value === null) return { workspaces, problems };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    problems.push(
      `${VAR}: not valid JSON (${errorText(err)}); write it like {"Workspace 1":"cn=team1,ou=groups,dc=example,dc=com"} and quote the whole value with single quotes in a shell or .env file`,
    );
    return { workspaces, problems };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(
      `${VAR}: must be a JSON object of workspace title -> ;-separated group DNs, got ${kind(parsed)}`,
    );
    return { workspaces, problems };
  }
  const obj = parsed as Record<string, unknown>;
  const seen = new Set<string>();
  for (const title of topLevelKeys(value)) {
    if (seen.has(title)) {
      problems.push(`${VAR}: workspace ${q(title)} appears more than once; list all its groups in one ;-separated string`);
      continue;
    }
    seen.add(title);
    if (title.trim() === '') {
      problems.push(`${VAR}: a workspace title is empty`);
      continue;
    }
    const groupsValue = obj[title];
    if (typeof groupsValue !== 'string') {
      problems.push(
        `${VAR}: value for ${q(title)} must be a string of ;-separated group DNs, got ${kind(groupsValue)}`,
      );
      continue;
    }
    const groups = splitList(groupsValue);
    if (groups.length === 0) {
      problems.push(`${VAR}: value for ${q(title)} lists no group DN`);
      continue;
    }
    let ok = true;
    for (const dn of groups) {
      const p = dnProblem(dn);
      if (p !== null) {
        problems.push(`${VAR}: group ${q(dn)} of workspace ${q(title)} is not a valid DN (${p})`);
        ok = false;
      }
    }
    if (ok) workspaces.push({ title, groups });
  }
  return { workspaces, problems };
}
