// Provisions an authenticated LDAP user into the host application through its store
// (semantics.md section 6). Runs inside store.transaction when the store has one.
import type { LdapOptions, LdapUser, Logger, Role } from '../types';
import { ProvisioningError } from './errors';
import { attributeChanges, decideRole, decideWorkspaces, emailsEqual, newUserFrom } from './rules';
import type { LocalUser, Organization, ProvisioningStore } from './store';

export const OWNER_VARIABLE = 'AUTH_LDAP_ORGANIZATION_OWNER_EMAIL';

export type ProvisioningOptions = Pick<LdapOptions, 'manual' | 'organizationOwnerEmail'>;

export interface ProvisioningSettings {
  /** Receives one info line per change and one error line per failure; never secrets. */
  logger?: Logger;
}

/** What provisioning hands back: the local user and where it now stands. */
export interface ProvisionedUser {
  user: LocalUser;
  organization: Organization;
  /** The user's role in the organization after provisioning (may differ from ldap.role when manual). */
  role: Role | null;
  /** Workspace titles the user is a member of after provisioning. */
  workspaces: string[];
  /** True when this login created the local user. */
  created: boolean;
  /** The user as LDAP described it. */
  ldap: LdapUser;
}

/**
 * Configuration problems that make provisioning impossible, each naming its variable. The strategy
 * can report them at start-up instead of at the first login.
 */
export function provisioningConfigProblems(options: ProvisioningOptions): string[] {
  return options.organizationOwnerEmail
    ? []
    : [`${OWNER_VARIABLE}: required when a provisioning store is given; set it to the email of the registered user who owns the organization LDAP users join`];
}

export async function provisionUser(
  ldap: LdapUser,
  options: ProvisioningOptions,
  store: ProvisioningStore,
  settings: ProvisioningSettings = {},
): Promise<ProvisionedUser> {
  const logger = settings.logger;
  try {
    // Checked before the store is touched, so a bad configuration creates nothing.
    const problems = provisioningConfigProblems(options);
    if (problems.length > 0) throw new ProvisioningError('ORGANIZATION_OWNER_NOT_SET', problems[0], { variable: OWNER_VARIABLE });
    if (!ldap.lookup || !ldap.lookup.value) {
      throw new ProvisioningError('INVALID_USER', `LDAP user ${ldap.dn} has no lookup value (AUTH_LDAP_USER_QUERY_FIELD)`, {
        variable: 'AUTH_LDAP_USER_QUERY_FIELD',
      });
    }
    const ownerEmail = options.organizationOwnerEmail as string;
    const run = (s: ProvisioningStore): Promise<ProvisionedUser> => provisionSteps(ldap, options, ownerEmail, s, logger);
    if (!store.transaction) return await run(store);
    return await step('running the provisioning transaction', () => store.transaction!(run));
  } catch (err) {
    logger?.error('LDAP provisioning failed; nothing was kept where the store supports transactions', {
      dn: ldap.dn,
      code: err instanceof ProvisioningError ? err.code : null,
      reason: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}

async function provisionSteps(
  ldap: LdapUser,
  options: ProvisioningOptions,
  ownerEmail: string,
  s: ProvisioningStore,
  logger: Logger | undefined,
): Promise<ProvisionedUser> {
  // Emails reach the store lower-cased, as docs/provisioning.md promises.
  const organization = await step('finding the organization', () => s.findOrganizationByOwnerEmail(ownerEmail.toLowerCase()));
  if (!organization) {
    throw new ProvisioningError(
      'ORGANIZATION_OWNER_NOT_FOUND',
      `${OWNER_VARIABLE}=${ownerEmail}: no organization is owned by this email; register that user in the application before LDAP users log in`,
      { variable: OWNER_VARIABLE },
    );
  }

  const found = await step('finding the user', () => s.findUser(ldap.lookup));
  const created = found === null;
  const user = await upsertUser(ldap, found, s, logger);

  const current = created ? null : await step('reading the role', () => s.getRole(user.id, organization.id));
  const roleDecision = decideRole({
    mapped: ldap.role,
    current,
    manual: options.manual.role,
    created,
    isOwner: emailsEqual(user.email, organization.ownerEmail),
  });
  if (roleDecision.write) {
    await step('setting the role', () => s.setRole(user.id, organization.id, roleDecision.role));
    logger?.info?.('LDAP provisioning set the role', { userId: user.id, from: current, to: roleDecision.role });
  }

  const currentWs = created ? [] : await step('reading workspaces', () => s.listWorkspaces(user.id, organization.id));
  const targetWs = decideWorkspaces(ldap.workspaces, currentWs, options.manual.workspace);
  if (targetWs) {
    await step('setting workspaces', () => s.setWorkspaces(user.id, organization.id, targetWs));
    logger?.info?.('LDAP provisioning set workspaces', { userId: user.id, from: currentWs, to: targetWs });
  }

  return { user, organization, role: roleDecision.role, workspaces: targetWs ?? currentWs, created, ldap };
}

/** Creates the user or refreshes its attributes; refuses to take another user's email/username. */
async function upsertUser(ldap: LdapUser, found: LocalUser | null, s: ProvisioningStore, logger: Logger | undefined): Promise<LocalUser> {
  const changes = found ? attributeChanges(found, ldap) : newUserFrom(ldap);
  // Check the non-lookup unique field first, so a clash is a clear error rather than a store crash.
  for (const field of ['email', 'username'] as const) {
    const value = changes[field];
    if (field === ldap.lookup.field || value === undefined || value === null) continue;
    const other = await step('checking for a conflicting user', () => s.findUser({ field, value }));
    if (other && (!found || other.id !== found.id)) {
      throw new ProvisioningError(
        'USER_CONFLICT',
        `LDAP user ${ldap.dn} has ${field} "${value}", which already belongs to another local user (id ${String(other.id)})`,
      );
    }
  }
  if (!found) {
    const user = await step('creating the user', () => s.createUser(newUserFrom(ldap)));
    logger?.info?.('LDAP provisioning created a user', { userId: user.id, dn: ldap.dn });
    return user;
  }
  if (Object.keys(changes).length === 0) return found;
  const user = await step('updating the user', () => s.updateUser(found.id, changes));
  logger?.info?.('LDAP provisioning refreshed user attributes', { userId: user.id, fields: Object.keys(changes) });
  return user;
}

/** Runs one store call; a store failure becomes a ProvisioningError saying what was being done. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProvisioningError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProvisioningError('STORE_FAILED', `LDAP provisioning failed while ${what}: ${reason}`, { step: what, cause: err });
  }
}
