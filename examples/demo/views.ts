// HTML for the demo pages. Every value that reaches the page goes through `esc` (or `html`).
import { ROLES, type LdapUser, type ListedUser, type LocalUser, type Organization, type Role } from '../../lib';
import type { DemoAccount } from './embeddedConfig';

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tagged template: interpolated values are escaped unless they are already rendered `Html`. */
class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    const items = Array.isArray(v) ? v : [v];
    out += items.map((item) => (item instanceof Html ? item.text : esc(item))).join('') + strings[i + 1];
  });
  return new Html(out);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 68rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; }
  form.login { display: grid; gap: .6rem; max-width: 20rem; }
  form.login label { display: grid; gap: .2rem; }
  input, button { font: inherit; padding: .4rem .6rem; }
  .error { background: #fde8e8; border: 1px solid #e99; padding: .6rem .8rem; border-radius: 4px; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { text-align: left; padding: .3rem .8rem .3rem 0; vertical-align: top; }
  th { color: #555; font-weight: 600; }
  code { background: #f3f3f3; padding: 0 .25rem; }
  .notice { background: #e8f6e8; border: 1px solid #9c9; padding: .6rem .8rem; border-radius: 4px; }
  nav { display: flex; gap: .5rem; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
  nav form.inline { margin-left: auto; }
  form.inline { display: inline-flex; gap: .3rem; align-items: center; margin: 0; }
  table.users { border-collapse: collapse; width: 100%; }
  table.users td, table.users th { border-bottom: 1px solid #eee; padding: .4rem .6rem .4rem 0; }
  table.users select, table.users button { padding: .2rem .4rem; white-space: nowrap; }
  .badge { background: #eef; border: 1px solid #aac; border-radius: 3px; font-size: .8rem; padding: 0 .3rem; }
  .muted { color: #666; font-size: .9rem; }
`;

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · passport-label-studio-ldap demo</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>
`.text;
}

export interface LoginView {
  error?: string;
  username?: string;
  /** Listed under the form when the embedded directory is in use. */
  accounts?: readonly DemoAccount[];
  /** Where the directory is, e.g. "the embedded directory at ldap://127.0.0.1:1234". */
  directory: string;
}

export function loginPage(view: LoginView): string {
  const accounts = view.accounts?.length
    ? html`<h2>Demo accounts</h2>
<p class="muted">Log in with the username or the email address.</p>
<table>
<tr><th>username</th><th>email</th><th>password</th><th>expected</th></tr>
${view.accounts.map((a) => html`<tr><td><code>${a.login}</code></td><td>${a.email}</td><td><code>${a.password}</code></td><td>${a.expect}</td></tr>`)}
</table>`
    : html``;
  return page(
    'Log in',
    html`<h1>Log in with your directory account</h1>
<p class="muted">Checked against ${view.directory}.</p>
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : html``}
<form class="login" method="post" action="/login">
<label>Username or email <input name="username" autocomplete="username" autofocus value="${view.username ?? ''}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Log in</button>
</form>
${accounts}`,
  );
}

/** The signed-in user as the pages show it: the local user from the store, plus what LDAP said at login. */
export interface SignedInUser {
  user: LocalUser;
  organization: Organization;
  /** The role in the organization, read from the store on every request. */
  role: Role | null;
  /** Workspace titles, read from the store on every request. */
  workspaces: string[];
  /** The LDAP user the strategy produced at login (DN, groups, mapped role). */
  ldap: LdapUser;
}

type NameParts = Pick<LocalUser, 'firstName' | 'lastName' | 'username' | 'email'>;

export function displayName(user: NameParts, fallback = ''): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username || user.email || fallback;
}

const list = (items: readonly string[], empty: string): Html =>
  items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : html`<span class="muted">${empty}</span>`;

const roleText = (role: Role | null): string => role ?? 'none (the application default)';

function nav(me: SignedInUser, current: 'me' | 'admin'): Html {
  const links: Html[] = [current === 'me' ? html`<strong>My account</strong>` : html`<a href="/me">My account</a>`];
  if (me.role === 'administrator') links.push(current === 'admin' ? html`<strong>Admin</strong>` : html`<a href="/admin">Admin</a>`);
  return html`<nav>${links.map((l, i) => (i === 0 ? l : html` · ${l}`))}
<form class="inline" method="post" action="/logout"><button type="submit">Log out</button></form></nav>`;
}

function organizationText(org: Organization): Html {
  return html`${org.title ?? '(untitled)'} <span class="muted">(owned by ${org.ownerEmail})</span>`;
}

export function mePage(me: SignedInUser): string {
  const { user, ldap } = me;
  const name = displayName(user, ldap.dn);
  return page(
    name,
    html`${nav(me, 'me')}
<h1>Signed in as ${name}</h1>
<h2>In this application</h2>
<p class="muted">The local user the strategy provisioned into the application's store (SQLite).</p>
<table class="facts">
<tr><th>Name</th><td data-field="name">${name}</td></tr>
<tr><th>Email</th><td data-field="email">${user.email ?? '(none)'}</td></tr>
<tr><th>Username</th><td data-field="username">${user.username ?? '(none)'}</td></tr>
<tr><th>Role</th><td data-field="role"><strong data-role="${me.role ?? ''}">${roleText(me.role)}</strong></td></tr>
<tr><th>Organization</th><td data-field="organization">${organizationText(me.organization)}</td></tr>
<tr><th>Workspaces</th><td data-field="workspaces">${list(me.workspaces, 'none')}</td></tr>
</table>
${me.role === 'administrator' ? html`<p><a href="/admin">Open the admin page</a> (users, roles and workspaces)</p>` : html``}
<h2>From the directory at login</h2>
<table class="facts">
<tr><th>DN</th><td><code>${ldap.dn}</code></td></tr>
<tr><th>Groups</th><td>${list(ldap.groups, 'none found')}</td></tr>
<tr><th>Mapped role</th><td data-field="ldap-role">${ldap.role ?? 'none mapped'}</td></tr>
<tr><th>Mapped workspaces</th><td>${list(ldap.workspaces, 'none')}</td></tr>
<tr><th>Local lookup</th><td>by ${ldap.lookup.field} = <code>${ldap.lookup.value}</code></td></tr>
</table>`,
  );
}

export interface AdminView {
  me: SignedInUser;
  users: readonly ListedUser[];
  /** Titles offered by the workspace form. */
  workspaceTitles: readonly string[];
  /** Which assignments LDAP owns (MANUAL_*_MANAGEMENT=0); the forms are still shown, and refused. */
  ldapOwns: { role: boolean; workspace: boolean };
  /** A change that was made. */
  notice?: string;
  /** A refusal (the guard's message) or a rejected form. */
  error?: string;
}

export function adminPage(view: AdminView): string {
  const owns = (what: string, owned: boolean, variable: string): Html =>
    owned
      ? html`<li>${what}: <strong>managed by LDAP</strong> (<code>${variable}=0</code>); the form below is refused by the guard. Change the user's LDAP groups instead.</li>`
      : html`<li>${what}: managed in this application (<code>${variable}=1</code>); LDAP only sets them as the rules say.</li>`;
  const roleOptions = (current: Role | null): Html[] =>
    ROLES.map((r) => html`<option value="${r}"${new Html(r === current ? ' selected' : '')}>${r}</option>`);
  const wsOptions = view.workspaceTitles.map((t) => html`<option value="${t}">${t}</option>`);
  const rows = view.users.map((u) => {
    const key = u.email ?? u.username ?? String(u.id);
    const roleCell = u.isOwner
      ? html`<span class="muted">organization owner</span>`
      : html`<form class="inline role-form" method="post" action="/admin/users/${String(u.id)}/role">
<select name="role" aria-label="Role for ${key}">${roleOptions(u.role)}</select>
<button type="submit">Change role</button></form>`;
    const wsCell = view.workspaceTitles.length
      ? html`<form class="inline workspace-form" method="post" action="/admin/users/${String(u.id)}/workspaces">
<select name="workspace" aria-label="Workspace for ${key}">${wsOptions}</select>
<button type="submit" name="action" value="add">Add</button>
<button type="submit" name="action" value="remove">Remove</button></form>`
      : html`<span class="muted">no workspaces yet</span>`;
    return html`<tr data-user="${key}">
<td>${displayName(u, key)}${u.isOwner ? html` <span class="badge">owner</span>` : html``}</td>
<td>${u.email ?? ''}</td>
<td data-field="role"><span data-role="${u.role ?? ''}">${roleText(u.role)}</span></td>
<td data-field="workspaces">${u.workspaces.length ? u.workspaces.join(', ') : html`<span class="muted">none</span>`}</td>
<td>${roleCell}</td>
<td>${wsCell}</td>
</tr>`;
  });
  return page(
    'Admin',
    html`${nav(view.me, 'admin')}
<h1>Users of ${view.me.organization.title ?? 'the organization'}</h1>
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : html``}
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : html``}
<ul class="muted">
${owns('Roles', view.ldapOwns.role, 'MANUAL_ROLE_MANAGEMENT')}
${owns('Workspace memberships', view.ldapOwns.workspace, 'MANUAL_WORKSPACE_MANAGEMENT')}
</ul>
<table class="users">
<tr><th>Name</th><th>Email</th><th>Role</th><th>Workspaces</th><th>Change role</th><th>Workspace membership</th></tr>
${rows}
</table>
<p class="muted">Users appear here after their first LDAP login. A deactivated user's login also records the role.</p>`,
  );
}

export function forbiddenPage(me: SignedInUser): string {
  return page(
    'Forbidden',
    html`${nav(me, 'me')}
<h1>Administrators only</h1>
<p class="error" role="alert">Only administrators can open the admin page. You are signed in as ${displayName(me.user, me.ldap.dn)}, whose role is ${roleText(me.role)}.</p>
<p><a href="/me">Back to your account</a></p>`,
  );
}

export function errorPage(message: string): string {
  return page('Error', html`<h1>Something went wrong</h1><p class="error">${message}</p><p><a href="/">Back to the login page</a></p>`);
}
