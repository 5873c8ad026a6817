// Suites that need a real server (slapd, Samba, Chromium) run only where it is installed. Without
// it they are skipped with a loud banner, except under CI=true, where a missing server fails.
import * as fs from 'fs';
import * as path from 'path';

export type Availability = { available: true } | { available: false; reason: string };

export function underCi(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

type DescribeName = Parameters<jest.Describe>[0];
type DescribeFn = Parameters<jest.Describe>[1];

function unavailableDescribe(what: string, reason: string): jest.Describe {
  if (underCi()) {
    const fail = (): never => {
      throw new Error(`${what} cannot run under CI: ${reason}`);
    };
    return Object.assign(fail, { only: fail, each: fail, skip: describe.skip }) as unknown as jest.Describe;
  }
  const skip = (name: DescribeName, fn: DescribeFn): void => {
    const bar = '!'.repeat(78);
    console.warn(`${bar}\n!! SKIPPING ${what} "${String(name)}"\n!! ${reason}\n!! (under CI=true this is a failure)\n${bar}`);
    describe.skip(name, fn);
  };
  return Object.assign(skip, { only: skip, skip: describe.skip, each: describe.skip.each }) as unknown as jest.Describe;
}

/**
 * `available()` (default: plain describe) when the server is available; otherwise a loud skip, or a
 * thrown error under CI=true.
 */
export function describeWhenAvailable(
  what: string,
  availability: () => Availability,
  available: () => jest.Describe = () => describe,
): jest.Describe {
  if (typeof describe !== 'function') return undefined as unknown as jest.Describe; // not under jest (bench scripts)
  const a = availability();
  return a.available ? available() : unavailableDescribe(what, a.reason);
}

/** Whether `file` is an executable regular file. */
export function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Whether `cmd` is an executable on PATH. */
export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => executable(path.join(d, cmd)));
}
