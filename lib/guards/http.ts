// The smallest request/response shapes the guards use, so the published .d.ts does not need
// @types/express; Express, and anything with res.status(n).json(body), fits.

export interface GuardResponse {
  status(code: number): { json(body: unknown): unknown };
}

export type GuardNext = (err?: unknown) => void;

/** Connect/Express-style middleware. */
export type GuardMiddleware = (req: unknown, res: GuardResponse, next: GuardNext) => void;
