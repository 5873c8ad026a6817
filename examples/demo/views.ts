// HTML for the demo pages. Every value that reaches the page goes through `esc` (or `html`).
import type { LdapUser } from '../../lib';
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
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; }
  form.login { display: grid; gap: .6rem; max-width: 20rem; }
  input, button { font: inherit; padding: .4rem .6rem; }
  .error { background: #fde8e8; border: 1px solid #e99; padding: .6rem .8rem; border-radius: 4px; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { text-align: left; padding: .3rem .8rem .3rem 0; vertical-align: top; }
  th { color: #555; font-weight: 600; }
  code { background: #f3f3f3; padding: 0 .25rem; }
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

export function mePage(user: LdapUser): string {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username || user.email || user.dn;
  const list = (items: string[], empty: string): ReturnType<typeof html> =>
    items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : html`<span class="muted">${empty}</span>`;
  return page(
    name,
    html`<h1>Signed in as ${name}</h1>
<table>
<tr><th>Name</th><td>${name}</td></tr>
<tr><th>Email</th><td>${user.email ?? '(none)'}</td></tr>
<tr><th>Username</th><td>${user.username ?? '(none)'}</td></tr>
<tr><th>Role</th><td><strong data-role="${user.role ?? ''}">${user.role ?? 'none mapped (the application decides)'}</strong></td></tr>
<tr><th>Organization</th><td>${user.organization ? html`owned by ${user.organization.ownerEmail}` : html`<span class="muted">none (AUTH_LDAP_ORGANIZATION_OWNER_EMAIL is not set)</span>`}</td></tr>
<tr><th>Workspaces</th><td>${list(user.workspaces, 'none')}</td></tr>
<tr><th>Groups</th><td>${list(user.groups, 'none found')}</td></tr>
<tr><th>DN</th><td><code>${user.dn}</code></td></tr>
<tr><th>Local lookup</th><td>by ${user.lookup.field} = <code>${user.lookup.value}</code></td></tr>
</table>
<form method="post" action="/logout"><button type="submit">Log out</button></form>`,
  );
}

export function errorPage(message: string): string {
  return page('Error', html`<h1>Something went wrong</h1><p class="error">${message}</p><p><a href="/">Back to the login page</a></p>`);
}
