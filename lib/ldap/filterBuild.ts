// Converts our filter AST into ldapjs filter objects. ldapjs's own string parser sends escape
// sequences such as `\2a` to the server verbatim, so we never hand it filter strings.
import type { FilterNode } from '../mapping/filterParser';
import { ldapjs, type LdapjsFilter } from './ldapjs';

const F = ldapjs.filters;

export function toLdapFilter(node: FilterNode): LdapjsFilter {
  switch (node.type) {
    case 'and':
      return new F.AndFilter({ filters: node.children.map(toLdapFilter) });
    case 'or':
      return new F.OrFilter({ filters: node.children.map(toLdapFilter) });
    case 'not':
      return new F.NotFilter({ filter: toLdapFilter(node.child) });
    case 'present':
      return new F.PresenceFilter({ attribute: node.attribute });
    case 'equal':
      return new F.EqualityFilter({ attribute: node.attribute, raw: node.value });
    case 'approx':
      return new F.ApproximateFilter({ attribute: node.attribute, value: node.value.toString('utf8') });
    case 'ge':
      return new F.GreaterThanEqualsFilter({ attribute: node.attribute, value: node.value.toString('utf8') });
    case 'le':
      return new F.LessThanEqualsFilter({ attribute: node.attribute, value: node.value.toString('utf8') });
    case 'substring':
      return new F.SubstringFilter({
        attribute: node.attribute,
        initial: node.initial?.toString('utf8'),
        any: node.any.map((b) => b.toString('utf8')),
        final: node.final?.toString('utf8'),
      });
    case 'extensible':
      return new F.ExtensibleFilter({
        matchType: node.attribute ?? undefined,
        rule: node.rule ?? undefined,
        dnAttributes: node.dnAttributes,
        value: node.value.toString('utf8'),
      });
  }
}
