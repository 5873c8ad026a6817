// Plain ldapjs 3 with callbacks turned into promises: used by the floor and the cn=Monitor reader.

export interface Ldapjs3Client {
  on(event: string, l: (...args: unknown[]) => void): void;
  once(event: string, l: (...args: unknown[]) => void): void;
  bind(dn: string, pw: string, cb: (err: (Error & { code?: number }) | null) => void): void;
  search(base: string, opts: object, cb: (err: Error | null, res: NodeJS.EventEmitter) => void): void;
  unbind(cb?: () => void): void;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ldapjs = require('ldapjs') as { createClient(o: { url: string }): Ldapjs3Client };

export function connect(url: string): Promise<Ldapjs3Client> {
  return new Promise((resolve, reject) => {
    const c = ldapjs.createClient({ url });
    c.on('error', () => undefined);
    c.once('connect', () => resolve(c));
    c.once('connectError', (e) => reject(e));
  });
}

export function bind(c: Ldapjs3Client, dn: string, pw: string): Promise<Error & { code?: number } | null> {
  return new Promise((resolve) => c.bind(dn, pw, (err) => resolve(err)));
}

export function search(c: Ldapjs3Client, base: string, opts: object): Promise<Array<{ dn: string; attributes: Array<{ type: string; values: string[] }> }>> {
  return new Promise((resolve, reject) => {
    c.search(base, opts, (err, res) => {
      if (err) return reject(err);
      const out: Array<{ dn: string; attributes: Array<{ type: string; values: string[] }> }> = [];
      res.on('searchEntry', (e: { pojo: { objectName: string; attributes: Array<{ type: string; values: string[] }> } }) =>
        out.push({ dn: e.pojo.objectName, attributes: e.pojo.attributes }),
      );
      res.on('error', reject);
      res.on('end', () => resolve(out));
    });
  });
}

export function escapeFilter(v: string): string {
  return v.replace(/[\\*()\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

