// The demo web application: Express + express-session + Passport with the LDAP strategy.
// Routes: GET / (login form), POST /login, GET /me, POST /logout.
import { randomBytes } from 'crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { LdapInfrastructureError, type LabelStudioLdapStrategy, type LdapUser, type Logger } from '../../lib';
import type { DemoAccount } from './embeddedConfig';
import { errorPage, loginPage, mePage } from './views';

export const UNAVAILABLE_MESSAGE = 'The directory is unavailable, try again later';

export interface AppOptions {
  strategy: LabelStudioLdapStrategy;
  /** Shown as "checked against ..." on the login page. */
  directory: string;
  /** Listed on the login page (embedded directory only). */
  accounts?: readonly DemoAccount[];
  /** Default: a random secret per start (sessions end when the demo restarts). */
  sessionSecret?: string;
  /** Where login errors are reported for the operator. */
  logger: Logger;
}

/** The signed-in user, or null. The session holds the whole LdapUser the strategy produced. */
function currentUser(req: Request): LdapUser | null {
  const user = req.user as Partial<LdapUser> | undefined;
  return user && typeof user.dn === 'string' && Array.isArray(user.groups) ? (user as LdapUser) : null;
}

export function createApp(options: AppOptions): Express {
  // An own Passport instance, so several demos (tests) in one process do not share strategies.
  const passport = new Passport();
  passport.use(options.strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

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

  app.get('/', (req, res) => {
    if (currentUser(req)) return res.redirect('/me');
    showLogin(res, 200);
  });

  app.post('/login', (req: Request, res: Response, next: NextFunction) => {
    const body = req.body as Record<string, unknown> | undefined;
    const username = typeof body?.username === 'string' ? body.username : undefined;
    passport.authenticate('ldap', (err: unknown, user: LdapUser | false, info?: unknown, status?: number) => {
      if (err) {
        // The directory could not be used: the user is told only that. The strategy has already
        // logged why (with the server) for the operator; anything else is logged here.
        if (!(err instanceof LdapInfrastructureError)) {
          options.logger.error(`Login failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        return showLogin(res, 503, UNAVAILABLE_MESSAGE, username);
      }
      if (!user) {
        const message = (info as { message?: unknown } | undefined)?.message;
        return showLogin(res, status ?? 401, typeof message === 'string' ? message : 'Login failed', username);
      }
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/me')));
    })(req, res, next);
  });

  app.get('/me', (req, res) => {
    const user = currentUser(req);
    if (!user) return res.redirect('/');
    res.type('html').send(mePage(user));
  });

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
