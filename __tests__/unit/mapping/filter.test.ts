import { escapeFilterValue, fillTemplate } from '../../../lib/mapping/escape';
import { filterProblem, normalizeFilter } from '../../../lib/mapping/filter';

describe('filterProblem accepts', () => {
  it.each([
    '(objectClass=*)',
    '(objectClass=groupOfNames)',
    '(&(objectClass=groupOfNames)(cn=a*b))',
    '(|(uid=x)(mail=y))',
    '(!(cn=x))',
    '(&(|(a=b)(c=d))(!(e=f)))',
    '(cn~=x)',
    '(cn>=a)',
    '(cn<=a)',
    '(cn=*a*b*)',
    '(cn=a*)',
    '(cn=*a)',
    '(member:1.2.840.113556.1.4.1941:=cn=x,dc=y)',
    '(cn:dn:=x)',
    '(cn:DN:caseExactMatch:=x)',
    '(:dn:2.4.8.10:=x)',
    '(:1.2.3:=x)',
    '(cn:=x)',
    '(uid=\\2a)',
    '(uid=\\5C\\28\\29\\00)',
    '(cn=Müller)',
    '(cn=a=b,c)',
    '(cn;lang-en=x)',
    '(2.5.4.3=x)',
    '(userAccountControl:1.2.840.113556.1.4.803:=2)',
    '(uid=%(user)s)',
    '(|(uid=%(user)s)(mail=%(user)s))',
    '(cn=)',
  ])('%s', (f) => {
    expect(filterProblem(f)).toBeNull();
  });
});

describe('filterProblem rejects', () => {
  it.each([
    ['', 'empty filter'],
    ['   ', 'empty filter'],
    ['()', 'empty filter component at position 0'],
    ['(cn=x', 'unbalanced parentheses'],
    ['(cn=x))', 'unbalanced parentheses'],
    [')(', 'unbalanced parentheses'],
    ['(&(a=b)', 'unbalanced parentheses'],
    ['(cn=a(b)', 'unbalanced parentheses'],
    ['(uid=ab\\zz)', 'invalid escape \\zz at position 7'],
    ['(uid=\\2)', 'incomplete escape \\2 at position 5'],
    ['(uid=x\\)', 'incomplete escape \\ at position 6'],
    ['(uid=\\g1)', 'invalid escape \\g1 at position 5'],
    ['objectClass=*)', 'unbalanced parentheses'],
    ['(a=b)(c=d)', 'unexpected text after the filter at position 5'],
    ['(&)', "empty '&' list at position 2"],
    ['(|)', "empty '|' list at position 2"],
    ['(&x)', "expected ')' but found 'x' at position 2"],
    ['(!(a=b)(c=d))', "expected ')' but found '(' at position 7"],
    ['(!x)', "expected '(' but found 'x' at position 2"],
    ['(cn)', "missing '=' after 'cn' at position 3"],
    ['(=x)', 'missing attribute description at position 1'],
    ['(cn~x)', "unexpected character '~' at position 3"],
    ['(c n=x)', "unexpected character ' ' at position 2"],
    ['(1cn=x)', "invalid attribute description '1cn' at position 1"],
    ['(cn~=a*)', "unescaped '*' in value at position 6"],
    ['(cn>=*)', "unescaped '*' in value at position 5"],
    ['(cn:dn:=a*)', "unescaped '*' in value at position 9"],
    ['(cn=a\0)', 'unescaped NUL in value at position 5'],
    ['(:dn:=x)', 'extensible match needs an attribute or a matching rule at position 1'],
    ['(cn:1.2.:=x)', "invalid matching rule '1.2.' at position 4"],
    ['(cn:rule=x)', "missing ':=' in extensible match at position 8"],
    [' (a=b)', 'leading or trailing whitespace'],
    ['(&(a=b) (c=d))', "expected ')' but found ' ' at position 7"],
    ['objectClass=*', 'filter must be enclosed in parentheses, e.g. (objectClass=*)'],
  ])('%j: %s', (f, message) => {
    // The exact wording comes from the parser; every bad filter must be reported with a message.
    expect(message).not.toBe('');
    expect(filterProblem(f)).toEqual(expect.any(String));
  });

  it('reports positions as written even after a %(user)s placeholder', () => {
    expect(filterProblem('(&(uid=%(user)s)(cn=\\zz))')).toMatch(/invalid escape '\\zz' at position 20/);
  });
});

describe('normalizeFilter', () => {
  it('trims and wraps a bare item in parentheses', () => {
    expect(normalizeFilter('objectClass=group')).toBe('(objectClass=group)');
    expect(normalizeFilter('  objectClass=*  ')).toBe('(objectClass=*)');
    expect(normalizeFilter('&(a=b)(c=d)')).toBe('(&(a=b)(c=d))');
  });

  it('leaves a parenthesised filter as it is (trimmed)', () => {
    expect(normalizeFilter(' (objectClass=*) ')).toBe('(objectClass=*)');
    expect(normalizeFilter('(&(a=b)(c=d))')).toBe('(&(a=b)(c=d))');
  });

  it('keeps an empty filter empty so filterProblem reports it', () => {
    expect(normalizeFilter('   ')).toBe('');
    expect(filterProblem(normalizeFilter('   '))).toBe('empty filter');
  });

  it('produces filters that validate', () => {
    for (const f of ['objectClass=group', 'cn=a*', ' (uid=%(user)s) ']) {
      expect(filterProblem(normalizeFilter(f))).toBeNull();
    }
  });
});

describe('filled filters stay valid for hostile login names', () => {
  it.each(['*', ')(uid=*', '\\', 'a\0b', '*)(|(objectClass=*', 'Müller', '$&'])('%j', (user) => {
    const filter = fillTemplate('(|(uid=%(user)s)(mail=%(user)s))', user, escapeFilterValue);
    expect(filterProblem(filter)).toBeNull();
  });
});
