// The verify callback's parameters are typed from the constructor's overloads. `npm test` runs
// tsc with noImplicitAny first, so these lambdas stop compiling if the typing regresses.
import { LabelStudioLdapStrategy, MemoryStore, optionsFromEnv, silentLogger, type LdapOptions } from '../../lib';

const env = {
  AUTH_LDAP_ENABLED: '1',
  AUTH_LDAP_SERVER_URI: 'ldaps://ldap.example.test',
  AUTH_LDAP_USER_SEARCH_BASES: 'ou=people,dc=example,dc=test',
  AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: 'owner@example.test',
};

describe('LabelStudioLdapStrategy constructor typing', () => {
  const options: LdapOptions = optionsFromEnv(env);
  const made: LabelStudioLdapStrategy[] = [];
  afterAll(async () => {
    await Promise.all(made.map((s) => s.close()));
  });

  it('types verify(user, done), async verify, verify(req, user, done) and the store form', () => {
    made.push(
      new LabelStudioLdapStrategy({ ...options, logger: silentLogger }, (user, done) => done(null, user.email)),
      new LabelStudioLdapStrategy({ ...options, logger: silentLogger }, async (user) => user.role),
      new LabelStudioLdapStrategy({ ...options, logger: silentLogger, passReqToCallback: true }, (req, user, done) =>
        done(null, { body: req.body, dn: user.dn }),
      ),
      new LabelStudioLdapStrategy({ ...options, logger: silentLogger, store: new MemoryStore() }, (provisioned, done) =>
        done(null, provisioned.user.id),
      ),
      new LabelStudioLdapStrategy({ ...options, logger: silentLogger, name: 'corp-ldap' }),
    );
    expect(made.map((s) => s.name)).toEqual(['ldap', 'ldap', 'ldap', 'ldap', 'corp-ldap']);
  });

  it('a store without an organization owner is a configuration error naming the variable', () => {
    const noOwner = optionsFromEnv({ ...env, AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: '' });
    expect(() => new LabelStudioLdapStrategy({ ...noOwner, logger: silentLogger, store: new MemoryStore() })).toThrow(
      /AUTH_LDAP_ORGANIZATION_OWNER_EMAIL/,
    );
  });
});
