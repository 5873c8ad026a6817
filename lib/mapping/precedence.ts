// Role precedence lives in its own module so matcher.ts and roles.ts need not import each other.
import type { Role } from '../types';

/** Highest first: a user in several mapped groups gets the earliest role listed here. */
export const ROLE_PRECEDENCE: readonly Role[] = Object.freeze([
  'deactivated',
  'administrator',
  'manager',
  'reviewer',
  'annotator',
  'not_activated',
] as const);
