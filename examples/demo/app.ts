// The demo web application: Express + express-session + Passport with the LDAP strategy, which
// provisions every login into the application's store (SQLite) before the session starts.
//
// Routes: GET / (login form), POST /login, GET /me, GET /admin (administrators only),
// POST /admin/users/:id/role and POST /admin/users/:id/workspaces (behind the LDAP ownership
// guards), POST /logout.
import { randomBytes } from 'crypto';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  LdapInfrastructureError,
  ldapOwnership,
  ProvisioningError,
  refuseIfLdapManaged,
  ROLES,
  type EntityId,
  type GuardMiddleware,
  type LabelStudioLdapStrategy,
  type LdapManagedBody,
  type LdapUser,
  type ListedUser,
  type Logger,
  type ManualManagement,
  type Organization,
  type ProvisionedUser,
  type Role,
  type ShippedStore,
  type WorkspaceMapping,
} from '../../lib';
import type { DemoAccount } from './embeddedConfig';
import { adminPage, errorPage, forbiddenPage, loginPage, mePage, type SignedInUser } from './views';

export const UNAVAILABLE_MESSAGE = 'The directory is unavailable, try again later';
export const PROVISIONING_MESSAGE =
  'Your directory login worked, but your account could not be set up in this application. The administrator can find the reason in the server log.';
/** The strategy's own message for ACCOUNT_DEACTIVATED, reused when the stored role is deactivated. */
export const DEACTIVATED_MESSAGE = 'This account is deactivated';
export const ADMIN_ONLY_MESSAGE = 'Only administrators can open the admin page.';

export interface AppOptions {
  strategy: LabelStudioLdapStrategy;
  /** The store the strategy provisions into; the pages read users, roles and workspaces from it. */
  store: ShippedStore;
  /** The organization of AUTH_LDAP_ORGANIZATION_OWNER_EMAIL (seeded at start-up). */
  organization: Organization;
  /** The resolved configuration: MANUAL_* for the guards, the workspace titles for the forms. */
  options: { manual: ManualManagement; workspaces: WorkspaceMapping[] };
  /** Shown as "checked against ..." on the login page. */
  directory: string;
  /** Listed on the login page (embedded directory only). */
  accounts?: readonly DemoAccount[];
  /** Default: a random secret per start (sessions end when the demo restarts). */
  sessionSecret?: string;
  /** Where login errors are reported for the operator. */
  logger: Logger;
}

/** What the session keeps: the local user's id and the LDAP user of the login (for the /me page). */
interface SessionRecord {
  id: EntityId;
  ldap: LdapUser;
}

interface DemoSession {
  /** One-shot message for the next admin page. */
  notice?: string;
}

function currentUser(req: Request): SignedInUser | null {
  const user = req.user as Partial<SignedInUser> | undefined;
  return user && user.user && user.organization && user.ldap ? (user as SignedInUser) : null;
}

function isProvisionedUser(value: unknown): value is ProvisionedUser {
  const p = value as Partial<ProvisionedUser> | null;
  return !!p && typeof p === 'object' && !!p.user && !!p.organization && !!p.ldap;
}

function isSessionRecord(value: unknown): value is SessionRecord {
  const r = value as Partial<SessionRecord> | null;
  return !!r && typeof r === 'object' && (typeof r.id === 'number' || typeof r.id === 'string') && !!r.ldap;
}

export function createApp(options: AppOptions): Express {
  const { store, organization } = options;
  const ldapOwns = ldapOwnership(options.options);

  // An own Passport instance, so several demos (tests) in one process do not share strategies.
  const passport = new Passport();
  passport.use(options.strategy);
  // The session keeps only the id (and the login's LDAP view); role and workspaces are read from
  // the store at every request, so changes made on the admin page show at once.
  passport.serializeUser((user, done) => {
    if (!isProvisionedUser(user)) return done(new Error('the strategy did not hand back a provisioned user'));
    const record: SessionRecord = { id: user.user.id, ldap: user.ldap };
    done(null, record);
  });
  passport.deserializeUser((record: unknown, done) => {
    if (!isSessionRecord(record)) return done(null, false);
    loadUser(record).then(
      (user) => done(null, user ?? false),
      (err: unknown) => done(err),
    );
  });

  async function loadUser(record: SessionRecord): Promise<SignedInUser | null> {
    const user = await store.findUserById(record.id);
    if (!user) return null;
    const role = await store.getRole(user.id, organization.id);
    // Deactivated since login (by LDAP at another login, or on the admin page): the session ends.
    if (role === 'deactivated') return null;
    const workspaces = await store.listWorkspaces(user.id, organization.id);
    return { user, organization, role, workspaces, ldap: record.ldap };
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  app.use(express.json({ limit: '10kb' }));
  app.use(
    session({
      name: 'demo.sid',
      secret: options.sessionSecret ?? randomBytes(32).toString('hex'),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.use(passport.session());

  const showLogin = (res: Response, status: number, error?: string, username?: string): void => {
    res
      .status(status)
      .type('html')
      .send(loginPage({ error, username, accounts: options.accounts, directory: options.directory }));
  };

  /** Renders the admin page (for the signed-in administrator), with an error or a notice. */
  async function showAdmin(req: Request, res: Response, status: number, messages: { error?: string; notice?: string } = {}): Promise<void> {
    const me = currentUser(req) as SignedInUser;
    const users = await store.listUsers(organization.id);
    const known = await store.listWorkspaceTitles(organization.id);
    const workspaceTitles = [...new Set([...options.options.workspaces.map((w) => w.title), ...known])];
    res
      .status(status)
      .type('html')
      .send(adminPage({ me, users, workspaceTitles, ldapOwns, ...messages }));
  }

  /** Signed in, else back to the login page. */
  const requireUser: RequestHandler = (req, res, next) => {
    if (!currentUser(req)) return res.redirect(303, '/');
    next();
  };

  /** The signed-in user's current role (from the store) must be administrator. */
  const requireAdmin: RequestHandler = (req, res, next) => {
    const me = currentUser(req);
    if (!me) return res.redirect(303, '/');
    if (me.role !== 'administrator') {
      if (wantsJson(req)) return res.status(403).json({ error: 'FORBIDDEN', message: ADMIN_ONLY_MESSAGE });
      return res.status(403).type('html').send(forbiddenPage(me));
    }
    next();
  };

  /**
   * The library's guard, as is: API clients (Accept: application/json) get its 403 JSON; a form
   * post from the admin page gets the admin page back with the guard's message shown.
   */
  const guard = (middleware: GuardMiddleware): RequestHandler => {
    return (req, res, next) => {
      if (wantsJson(req)) return middleware(req, res, next);
      const asPage = {
        status: (code: number) => ({
          json: (body: unknown) => {
            showAdmin(req, res, code, { error: (body as Partial<LdapManagedBody>).message ?? 'Refused' }).catch(next);
          },
        }),
      };
      middleware(req, asPage, next);
    };
  };

  /** After a change: back to the admin page (POST/redirect/GET), with a one-shot notice. */
  const changed = (req: Request, res: Response, notice: string): void => {
    if (wantsJson(req)) {
      res.json({ ok: true, message: notice });
      return;
    }
    (req.session as DemoSession).notice = notice;
    res.redirect(303, '/admin');
  };

  const rejected = async (req: Request, res: Response, status: number, error: string): Promise<void> => {
    if (wantsJson(req)) {
      res.status(status).json({ error: 'INVALID', message: error });
      return;
    }
    await showAdmin(req, res, status, { error });
  };

  app.get('/', (req, res) => {
    if (currentUser(req)) return res.redirect('/me');
    showLogin(res, 200);
  });

  // After a failed login the address bar shows /login; reloading it should not be a 404.
  app.get('/login', (_req, res) => res.redirect('/'));

  app.post('/login', (req: Request, res: Response, next: NextFunction) => {
    const body = req.body as Record<string, unknown> | undefined;
    const username = typeof body?.username === 'string' ? body.username : undefined;
    passport.authenticate('ldap', (err: unknown, user: ProvisionedUser | false, info?: unknown, status?: number) => {
      if (err) {
        // The user is told only what went wrong in their terms. The strategy has already logged
        // why (the server, or the provisioning step) for the operator; anything else is logged here.
        if (err instanceof ProvisioningError) return showLogin(res, 500, PROVISIONING_MESSAGE, username);
        if (!(err instanceof LdapInfrastructureError)) {
          options.logger.error(`Login failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        return showLogin(res, 503, UNAVAILABLE_MESSAGE, username);
      }
      if (!user) {
        const message = (info as { message?: unknown } | undefined)?.message;
        return showLogin(res, status ?? 401, typeof message === 'string' ? message : 'Login failed', username);
      }
      // With manual roles, LDAP no longer maps this user to deactivated but the application still
      // has them deactivated (an administrator did it, or an earlier LDAP mapping): refuse as well.
      if (user.role === 'deactivated') return showLogin(res, 403, DEACTIVATED_MESSAGE, username);
      // Passport 0.6+ gives the session a new id here (no session fixation).
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/me')));
    })(req, res, next);
  });

  app.get('/me', (req, res) => {
    const me = currentUser(req);
    if (!me) return res.redirect('/');
    res.type('html').send(mePage(me));
  });

  app.get('/admin', requireUser, requireAdmin, (req, res, next) => {
    const session = req.session as DemoSession;
    const notice = session.notice;
    delete session.notice;
    showAdmin(req, res, 200, { notice }).catch(next);
  });

  app.post('/admin/users/:id/role', requireUser, requireAdmin, guard(refuseIfLdapManaged('role', options.options)), (req, res, next) => {
    (async () => {
      const target = await member(req.params.id);
      const role = (req.body as Record<string, unknown> | undefined)?.role;
      if (!target) return rejected(req, res, 404, 'No such user in the organization.');
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
        return rejected(req, res, 400, `Choose one of the roles: ${ROLES.join(', ')}.`);
      }
      if (target.isOwner) return rejected(req, res, 400, "The organization owner's role cannot be changed.");
      await store.setRole(target.id, organization.id, role as Role);
      changed(req, res, `${label(target)} is now ${role}.`);
    })().catch(next);
  });

  app.post('/admin/users/:id/workspaces', requireUser, requireAdmin, guard(refuseIfLdapManaged('workspace', options.options)), (req, res, next) => {
    (async () => {
      const target = await member(req.params.id);
      const body = req.body as Record<string, unknown> | undefined;
      const title = typeof body?.workspace === 'string' ? body.workspace.trim() : '';
      const action = body?.action;
      if (!target) return rejected(req, res, 404, 'No such user in the organization.');
      if (title === '' || title.length > 200) return rejected(req, res, 400, 'Choose a workspace.');
      if (action !== 'add' && action !== 'remove') return rejected(req, res, 400, 'Choose whether to add or remove the membership.');
      const current = await store.listWorkspaces(target.id, organization.id);
      const next = action === 'add' ? [...new Set([...current, title])] : current.filter((t) => t !== title);
      await store.setWorkspaces(target.id, organization.id, next);
      changed(req, res, action === 'add' ? `${label(target)} is now a member of ${title}.` : `${label(target)} is no longer a member of ${title}.`);
    })().catch(next);
  });

  async function member(id: string): Promise<ListedUser | undefined> {
    const users = await store.listUsers(organization.id);
    return users.find((u) => String(u.id) === id);
  }

  app.post('/logout', (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => res.clearCookie('demo.sid').redirect(303, '/'));
    });
  });

  // Last resort: never show a stack trace.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Body parser errors: malformed JSON, body too large.
      return showLogin(res, status, 'The request could not be read');
    }
    options.logger.error(`Request failed: ${err instanceof Error ? err.message : String(err)}`);
    res.status(500).type('html').send(errorPage('The request could not be completed.'));
  });

  return app;
}

/** API clients that ask for JSON get JSON; browsers (forms) get pages. */
function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

function label(user: { email: string | null; username: string | null; id: EntityId }): string {
  return user.email ?? user.username ?? `user ${String(user.id)}`;
}
