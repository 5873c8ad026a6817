import { escapeDnValue as escapeDnValueFromDn, parseDn } from '../../../lib/mapping/dn';
import { escapeDnValue, escapeFilterValue, fillTemplate } from '../../../lib/mapping/escape';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['\\', '\\5c'],
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\0', '\\00'],
  ])('escapes %j', (c, escaped) => {
    expect(escapeFilterValue(`a${c}b`)).toBe(`a${escaped}b`);
    expect(escapeFilterValue(c)).toBe(escaped);
  });

  it('escapes the backslash first, so escapes are not escaped again', () => {
    expect(escapeFilterValue('\\*')).toBe('\\5c\\2a');
    expect(escapeFilterValue('\\2a')).toBe('\\5c2a');
    expect(escapeFilterValue('\\\\')).toBe('\\5c\\5c');
  });

  it('escapes every occurrence', () => {
    expect(escapeFilterValue('**((x))**')).toBe('\\2a\\2a\\28\\28x\\29\\29\\2a\\2a');
  });

  it('neutralises filter injection', () => {
    expect(escapeFilterValue('*)(uid=*))(|(uid=*')).toBe('\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a');
  });

  it('leaves other characters, including DN specials and non-ASCII, as text', () => {
    expect(escapeFilterValue('jdoe@example.com')).toBe('jdoe@example.com');
    expect(escapeFilterValue('a,b+c;d<e>f="g"#&|!~')).toBe('a,b+c;d<e>f="g"#&|!~');
    expect(escapeFilterValue('Müller 😀 日本')).toBe('Müller 😀 日本');
    expect(escapeFilterValue(' x ')).toBe(' x ');
    expect(escapeFilterValue('')).toBe('');
  });
});

describe('escapeDnValue re-export', () => {
  it('is the dn.ts function', () => {
    expect(escapeDnValue).toBe(escapeDnValueFromDn);
  });
});

describe('fillTemplate', () => {
  const identity = (v: string): string => v;

  it('replaces %(user)s with the escaped value', () => {
    expect(fillTemplate('uid=%(user)s,ou=Users,dc=x', 'a,b', escapeDnValue)).toBe('uid=a\\,b,ou=Users,dc=x');
    expect(fillTemplate('(uid=%(user)s)', 'a*', escapeFilterValue)).toBe('(uid=a\\2a)');
  });

  it('replaces every occurrence', () => {
    expect(fillTemplate('(|(uid=%(user)s)(mail=%(user)s))', 'x)', escapeFilterValue)).toBe('(|(uid=x\\29)(mail=x\\29))');
  });

  it('escapes exactly once', () => {
    expect(fillTemplate('(uid=%(user)s)', '\\', escapeFilterValue)).toBe('(uid=\\5c)');
  });

  it.each(['$&', '$1', "$'", '$`', '$$', '$<name>'])('never interprets %j in the value as a replacement pattern', (v) => {
    expect(fillTemplate('uid=%(user)s,dc=x', v, identity)).toBe(`uid=${v},dc=x`);
  });

  it('does not re-substitute a placeholder that appears in the value', () => {
    expect(fillTemplate('uid=%(user)s', '%(user)s', identity)).toBe('uid=%(user)s');
  });

  it('leaves a template without the placeholder unchanged', () => {
    expect(fillTemplate('(objectClass=*)', 'x', escapeFilterValue)).toBe('(objectClass=*)');
  });

  it('makes a DN whose user value survives parsing intact', () => {
    const user = ' #evil,ou=Admins\\ ';
    const dn = fillTemplate('uid=%(user)s,ou=Users,dc=x', user, escapeDnValue);
    expect(parseDn(dn)[0]).toEqual([{ type: 'uid', value: user }]);
    expect(parseDn(dn)).toHaveLength(3);
  });
});
