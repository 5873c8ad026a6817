// Default logger: warnings and errors go to stderr, so an operator sees why logins fail even
// when the application passes no logger. Nothing the product logs ever contains a password.
import type { Logger } from '../types';

function write(level: string, message: string, details?: Record<string, unknown>): void {
  const extra = details && Object.keys(details).length > 0 ? ` ${JSON.stringify(details)}` : '';
  process.stderr.write(`[passport-label-studio-ldap] ${level}: ${message}${extra}\n`);
}

export const defaultLogger: Logger = {
  warn: (message, details) => write('warn', message, details),
  error: (message, details) => write('error', message, details),
};

/** A logger that drops everything (tests, or applications that log elsewhere). */
export const silentLogger: Logger = { warn: () => undefined, error: () => undefined };
