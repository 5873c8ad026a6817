/**
 * jest globalTeardown: kills any slapd still registered by this run (in-band, by one of
 * its workers, or by a test process that died) and removes the temp folders.
 */
import { sweep } from './registry';

export default function globalTeardown(): void {
  const cleaned = sweep(process.pid);
  const servers = cleaned.filter((d) => d.includes('plsl-slapd-'));
  if (servers.length > 0 && process.env.PLSL_HARNESS_DEBUG) {
    console.warn(`globalTeardown removed ${servers.length} leftover slapd folder(s)`);
  }
}
