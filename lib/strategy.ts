// The Passport adapter: reads credentials from the request, runs the authenticator and turns its
// result into success / fail / error. All LDAP behaviour lives in LdapAuthenticator.
import { LdapAuthenticator } from './core/authenticator';
import { defaultLogger } from './core/logger';
import { LdapConfigError } from './errors';
import { optionsFromEnv } from './options';
import {
  provisionUser,
  provisioningConfigProblems,
  type ProvisionedUser,
  type ProvisioningOptions,
  type ProvisioningStore,
} from './provisioning';
import type { AuthFailure, LdapOptions, LdapUser, Logger } from './types';

// passport-strategy ships no types; we describe the part we use so our .d.ts needs nothing else.
interface PassportStrategyBase {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(err: Error): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PassportStrategy = require('passport-strategy').Strategy as new () => PassportStrategyBase;

/** The parts of a request the strategy reads (Express, Fastify via adapters, plain objects). */
export interface LoginRequest {
  body?: unknown;
  query?: unknown;
}

export type VerifyDone = (err: Error | null, user?: unknown, info?: unknown) => void;
/** `user` is the LdapUser, or the ProvisionedUser when a store is configured. */
export type VerifyFunction<U = LdapUser> = (user: U, done: VerifyDone) => void | Promise<unknown>;
export type VerifyFunctionWithRequest<U = LdapUser> = (req: LoginRequest, user: U, done: VerifyDone) => void | Promise<unknown>;

export interface StrategySettings {
  /** Strategy name for passport.authenticate(name); default 'ldap'. */
  name?: string;
  usernameField?: string;
  passwordField?: string;
  passReqToCallback?: boolean;
  logger?: Logger;
  /** Most connections used for user binds at once (default 10). */
  maxConnections?: number;
  /** Provision every login into the application's store before verify (semantics.md section 6). */
  store?: ProvisioningStore;
}

/** LdapOptions (from optionsFromEnv) plus strategy settings; any LDAP field left out is read from process.env. */
export type StrategyOptions = Partial<LdapOptions> & StrategySettings;

export class LabelStudioLdapStrategy extends PassportStrategy {
  readonly name: string;
  readonly authenticator: LdapAuthenticator;
  private readonly usernameField: string;
  private readonly passwordField: string;
  private readonly passReqToCallback: boolean;
  private readonly verify: VerifyFunction<unknown> | VerifyFunctionWithRequest<unknown> | null;
  private readonly store: ProvisioningStore | null;
  private readonly provisioning: ProvisioningOptions;
  private readonly logger: Logger;

  // One overload per shape, so TypeScript can type the verify callback's parameters.
  constructor(
    options: StrategyOptions & { store: ProvisioningStore; passReqToCallback: true },
    verify: VerifyFunctionWithRequest<ProvisionedUser>,
  );
  constructor(
    options: StrategyOptions & { store: ProvisioningStore; passReqToCallback?: false },
    verify?: VerifyFunction<ProvisionedUser>,
  );
  constructor(options: StrategyOptions & { passReqToCallback: true }, verify: VerifyFunctionWithRequest);
  constructor(options?: StrategyOptions & { passReqToCallback?: false }, verify?: VerifyFunction);
  /** Options whose shape is only known at run time; the verify callback must be typed by the caller. */
  constructor(options?: StrategyOptions, verify?: VerifyFunction<never> | VerifyFunctionWithRequest<never>);
  constructor(
    options?: StrategyOptions,
    verify?: VerifyFunction<never> | VerifyFunctionWithRequest<never>,
  ) {
    super();
    const settings: StrategyOptions = options ?? {};
    const ldapOptions: LdapOptions =
      settings.servers !== undefined ? (settings as LdapOptions) : { ...optionsFromEnv(process.env), ...settings };
    this.name = settings.name ?? 'ldap';
    this.usernameField = settings.usernameField ?? 'username';
    this.passwordField = settings.passwordField ?? 'password';
    this.passReqToCallback = settings.passReqToCallback === true;
    this.verify = (verify as VerifyFunction<unknown> | VerifyFunctionWithRequest<unknown> | undefined) ?? null;
    this.store = settings.store ?? null;
    this.logger = settings.logger ?? defaultLogger;
    this.provisioning = { manual: ldapOptions.manual, organizationOwnerEmail: ldapOptions.organizationOwnerEmail };
    // With a store, a missing organization owner is a start-up error, not a first-login one.
    if (this.store) {
      const problems = provisioningConfigProblems(this.provisioning);
      if (problems.length > 0) throw new LdapConfigError(problems);
    }
    this.authenticator = new LdapAuthenticator(ldapOptions, {
      logger: this.logger,
      maxConnections: settings.maxConnections,
    });
  }

  /** Called by Passport for every login attempt. */
  authenticate(req: LoginRequest): void {
    const username = field(req, this.usernameField);
    const password = field(req, this.passwordField);
    this.authenticator.authenticate(username, password).then(
      (result) => (result.ok ? this.provision(req, result.user) : this.refuse(result)),
      (err: Error) => this.error(err),
    );
  }

  /** Runs provisioning when a store is configured, then verify. */
  private provision(req: LoginRequest, user: LdapUser): void {
    if (!this.store) return this.verified(req, user);
    provisionUser(user, this.provisioning, this.store, { logger: this.logger }).then(
      // With manual roles an administrator may have deactivated the user locally.
      (provisioned) =>
        provisioned.role === 'deactivated'
          ? this.fail({ message: 'This account is deactivated', code: 'ACCOUNT_DEACTIVATED' }, 403)
          : this.verified(req, provisioned),
      (err: Error) => this.error(err),
    );
  }

  /** Closes every connection the strategy holds. */
  close(): Promise<void> {
    return this.authenticator.close();
  }

  private refuse(failure: AuthFailure): void {
    const fail = (): void => this.fail({ message: failure.message, code: failure.code }, failure.status);
    // A deactivated mapping still changes the stored role (even with manual roles), then refuses.
    if (!this.store || !failure.user) return fail();
    provisionUser(failure.user, this.provisioning, this.store, { logger: this.logger }).then(fail, (err: Error) =>
      this.error(err),
    );
  }

  private verified(req: LoginRequest, user: LdapUser | ProvisionedUser): void {
    if (!this.verify) return this.success(user);
    let called = false;
    const done: VerifyDone = (err, verifiedUser, info) => {
      if (called) return;
      called = true;
      if (err) return this.error(err);
      if (!verifiedUser) return this.fail(info ?? { message: 'Invalid username or password' }, 401);
      this.success(verifiedUser, info);
    };
    try {
      const ret = this.passReqToCallback
        ? (this.verify as VerifyFunctionWithRequest<unknown>)(req, user, done)
        : (this.verify as VerifyFunction<unknown>)(user, done);
      // A verify that returns a promise may resolve to the user instead of calling done.
      if (ret && typeof (ret as Promise<unknown>).then === 'function') {
        (ret as Promise<unknown>).then(
          (value) => {
            if (!called && value !== undefined) done(null, value);
          },
          (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        );
      }
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** Body first, then query string; own properties only, so `__proto__` tricks find nothing. */
function field(req: LoginRequest, name: string): unknown {
  for (const source of [req.body, req.query]) {
    if (source && typeof source === 'object' && Object.prototype.hasOwnProperty.call(source, name)) {
      const value = (source as Record<string, unknown>)[name];
      if (value !== undefined) return value;
    }
  }
  return undefined;
}
