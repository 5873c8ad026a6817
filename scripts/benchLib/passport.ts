// Drives a Passport strategy exactly the way passport's authenticate middleware does
// (passport/lib/middleware/authenticate.js): a fresh object made with Object.create(strategy),
// success / fail / error / redirect / pass assigned on it, then strategy.authenticate(req, options).

export type Outcome =
  | { kind: 'success'; user: unknown; info: unknown }
  | { kind: 'fail'; challenge: unknown; status: number | undefined }
  | { kind: 'error'; err: Error }
  | { kind: 'redirect' | 'pass' };

export interface PassportLike {
  authenticate(req: unknown, options?: unknown): void;
}

export interface DriveStats {
  /** Calls to success/fail/error/... after the first one (a strategy must answer once). */
  extraCalls: number;
}

export const driveStats: DriveStats = { extraCalls: 0 };

export function drive(strategy: PassportLike, req: unknown, options: unknown = {}): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    let settled = false;
    const settle = (o: Outcome): void => {
      if (settled) {
        driveStats.extraCalls++;
        return;
      }
      settled = true;
      resolve(o);
    };
    const s = Object.create(strategy) as PassportLike & Record<string, unknown>;
    s.success = (user: unknown, info: unknown): void => settle({ kind: 'success', user, info });
    s.fail = (challenge: unknown, status?: number): void => {
      // passport also accepts fail(status)
      if (typeof challenge === 'number') settle({ kind: 'fail', challenge: undefined, status: challenge });
      else settle({ kind: 'fail', challenge, status });
    };
    s.error = (err: Error): void => settle({ kind: 'error', err });
    s.redirect = (): void => settle({ kind: 'redirect' });
    s.pass = (): void => settle({ kind: 'pass' });
    try {
      s.authenticate(req, options);
    } catch (err) {
      reject(err);
    }
  });
}

/** A login form post as Express would parse it. */
export function loginRequest(username: string, password: string): { body: Record<string, string>; query: Record<string, string> } {
  return { body: { username, password }, query: {} };
}
