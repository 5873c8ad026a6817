// The Label Studio environment variables that point the strategy at the embedded directory
// (examples/demo/directory.ldif), and the accounts it holds.

export const BASE_DN = 'dc=demo,dc=test';
const GROUPS = `ou=groups,${BASE_DN}`;
const group = (cn: string): string => `cn=${cn},${GROUPS}`;

/** Title of the organization the demo seeds for AUTH_LDAP_ORGANIZATION_OWNER_EMAIL. */
export const DEMO_ORGANIZATION_TITLE = 'Demo Labeling Co.';

export interface DemoAccount {
  login: string;
  email: string;
  password: string;
  /** What logging in shows. */
  expect: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { login: 'ada', email: 'ada@demo.test', password: 'ada-pw', expect: 'administrator, sees the admin page' },
  { login: 'grace', email: 'grace@demo.test', password: 'grace-pw', expect: 'manager, workspace Computer Vision' },
  { login: 'emilie', email: 'emilie@demo.test', password: 'emilie-pw', expect: 'reviewer, workspace NLP' },
  { login: 'alan', email: 'alan@demo.test', password: 'alan-pw', expect: 'annotator, workspaces Computer Vision and NLP' },
  { login: 'nora', email: 'nora@demo.test', password: 'nora-pw', expect: 'not_activated' },
  { login: 'charles', email: 'charles@demo.test', password: 'charles-pw', expect: 'deactivated: login refused (403)' },
];

/**
 * Search mode with a service account, usernames allowed, every role and two workspaces mapped.
 * Roles and workspace memberships are LDAP-owned (MANUAL_*=0), so the admin page shows the guards
 * refusing local changes; set MANUAL_ROLE_MANAGEMENT=1 / MANUAL_WORKSPACE_MANAGEMENT=1 to edit them.
 */
export function embeddedEnv(serverUri: string): Record<string, string> {
  return {
    AUTH_LDAP_ENABLED: '1',
    AUTH_LDAP_SERVER_URI: serverUri,
    AUTH_LDAP_BIND_DN: `cn=admin,${BASE_DN}`,
    AUTH_LDAP_BIND_PASSWORD: 'admin-pw',
    USE_USERNAME_FOR_LOGIN: '1',
    AUTH_LDAP_USER_DN_TEMPLATE: '',
    AUTH_LDAP_USER_SEARCH_BASES: `ou=people,${BASE_DN}`,
    AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: 'owner@demo.test',
    AUTH_LDAP_USER_QUERY_FIELD: 'email',
    AUTH_LDAP_GROUP_SEARCH_BASE_DN: GROUPS,
    AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=groupOfNames)',
    AUTH_LDAP_GROUP_TYPE: 'groupOfNames',
    AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: group('admins'),
    AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: group('managers'),
    AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER: group('reviewers'),
    AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: group('annotators'),
    AUTH_LDAP_ORGANIZATION_ROLE_NOT_ACTIVATED: group('not-activated'),
    AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED: group('deactivated'),
    AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON.stringify({
      'Computer Vision': group('team-vision'),
      NLP: group('team-nlp'),
    }),
    MANUAL_ROLE_MANAGEMENT: '0',
    MANUAL_WORKSPACE_MANAGEMENT: '0',
  };
}
