// The only file of lib/options that touches the file system: the default OptionsIo used by
// optionsFromEnv() to read the TLS files named in AUTH_LDAP_CONNECTION_OPTIONS.
import * as fs from 'fs';

/** File access needed while reading the configuration; swap in a fake for tests. */
export interface OptionsIo {
  /** Whole file as UTF-8 text; throws (an fs-style error with `code`) when it cannot be read. */
  readFile(path: string): string;
  /** Names (not paths) of the entries of a folder; throws when it cannot be listed. */
  listDir(path: string): string[];
}

export const nodeFileIo: OptionsIo = {
  readFile: (path) => fs.readFileSync(path, 'utf8'),
  listDir: (path) => fs.readdirSync(path),
};
