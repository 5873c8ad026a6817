// Guards: who owns each assignment, the plain check, the Express middleware and native login.
import express from 'express';
import request from 'supertest';
import {
  MANAGED_KINDS,
  checkAssignment,
  isLdapManaged,
  ldapOwnership,
  nativeLoginAllowed,
  nativeLoginGuard,
  refuseIfLdapManaged,
  type ManagedKind,
} from '../../../lib/guards';
import { manual } from './helpers';

const VARIABLE: Record<ManagedKind, string> = {
  role: 'MANUAL_ROLE_MANAGEMENT',
  workspace: 'MANUAL_WORKSPACE_MANAGEMENT',
  projectMember: 'MANUAL_PROJECT_MEMBER_MANAGEMENT',
};

describe('ldapOwnership / isLdapManaged', () => {
  it('LDAP owns exactly the kinds whose MANUAL_* is 0', () => {
    expect(ldapOwnership({ manual: manual(true) })).toEqual({ role: false, workspace: false, projectMember: false });
    expect(ldapOwnership({ manual: manual(false) })).toEqual({ role: true, workspace: true, projectMember: true });
    expect(ldapOwnership({ manual: manual(true, { workspace: false }) })).toEqual({ role: false, workspace: true, projectMember: false });
    expect(isLdapManaged('projectMember', { manual: manual(true, { projectMember: false }) })).toBe(true);
  });
});

describe('checkAssignment', () => {
  it.each(MANAGED_KINDS)('%s: allowed when manual', (kind) => {
    expect(checkAssignment(kind, { manual: manual(true) })).toBeNull();
  });

  it.each(MANAGED_KINDS)('%s: 403 LDAP_MANAGED naming its variable when LDAP owns it', (kind) => {
    const refusal = checkAssignment(kind, { manual: manual(true, { [kind]: false }) });
    expect(refusal).toMatchObject({ status: 403, body: { error: 'LDAP_MANAGED', kind, variable: VARIABLE[kind] } });
    expect(refusal?.body.message).toContain(`${VARIABLE[kind]}=0`);
    expect(refusal?.body.message).toMatch(/change the user's LDAP groups instead\.$/);
  });

  it('uses the exact role message', () => {
    expect(checkAssignment('role', { manual: manual(false) })?.body.message).toBe(
      "Roles are managed by LDAP (MANUAL_ROLE_MANAGEMENT=0); change the user's LDAP groups instead.",
    );
  });

  it('only the LDAP-owned kind is refused', () => {
    const opts = { manual: manual(true, { role: false }) };
    expect(checkAssignment('role', opts)).not.toBeNull();
    expect(checkAssignment('workspace', opts)).toBeNull();
    expect(checkAssignment('projectMember', opts)).toBeNull();
  });
});

describe('refuseIfLdapManaged (Express)', () => {
  const app = (kind: ManagedKind, isManual: boolean) => {
    const a = express();
    a.post('/assign', refuseIfLdapManaged(kind, { manual: manual(isManual) }), (_req, res) => {
      res.json({ assigned: true });
    });
    return a;
  };

  it.each(MANAGED_KINDS)('%s: 403 JSON when LDAP owns it', async (kind) => {
    const res = await request(app(kind, false)).post('/assign').send({});
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ error: 'LDAP_MANAGED', kind, variable: VARIABLE[kind] });
  });

  it.each(MANAGED_KINDS)('%s: reaches the route when manual', async (kind) => {
    const res = await request(app(kind, true)).post('/assign').send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ assigned: true });
  });
});

describe('nativeLoginGuard', () => {
  const app = (source: boolean | Record<string, string | undefined>) => {
    const a = express();
    a.post('/login/password', nativeLoginGuard(source), (_req, res) => {
      res.json({ ok: true });
    });
    return a;
  };

  it('refuses password login with 403 JSON while AUTH_LDAP_ENABLED is on', async () => {
    const res = await request(app({ AUTH_LDAP_ENABLED: 'Yes' })).post('/login/password');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'NATIVE_LOGIN_DISABLED',
      message: expect.stringContaining('LDAP login is enabled (AUTH_LDAP_ENABLED=1)'),
    });
  });

  it('lets password login through when LDAP is off', async () => {
    expect((await request(app({ AUTH_LDAP_ENABLED: '0' })).post('/login/password')).status).toBe(200);
    expect((await request(app({})).post('/login/password')).status).toBe(200);
    expect((await request(app(false)).post('/login/password')).status).toBe(200);
  });

  it('reports the state for other frameworks and templates', () => {
    const on = nativeLoginGuard(true);
    expect([on.ldapEnabled, on.nativeLoginAllowed]).toEqual([true, false]);
    expect(on.check()).toMatchObject({ status: 403, body: { error: 'NATIVE_LOGIN_DISABLED' } });
    const off = nativeLoginGuard({ AUTH_LDAP_ENABLED: 'off' });
    expect([off.ldapEnabled, off.nativeLoginAllowed]).toEqual([false, true]);
    expect(off.check()).toBeNull();
    expect(nativeLoginAllowed({ AUTH_LDAP_ENABLED: 'true' })).toBe(false);
    expect(nativeLoginAllowed({ AUTH_LDAP_ENABLED: '1' })).toBe(false);
  });
});
