import {
  cleanSecret,
  cleanValue,
  dnProblem,
  fileErrorText,
  isAttributeName,
  parseBoolWord,
  splitList,
  stripQuotes,
} from '../../../lib/options/values';

describe('cleanValue', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['   ', null],
    ['""', null],
    ["''", null],
    ['" "', null],
    ['  value  ', 'value'],
    ['"value"', 'value'],
    ["'value'", 'value'],
    ['" value "', 'value'],
    ['  "value"  ', 'value'],
    ['"value\'', '"value\''],
    ['"', '"'],
    ['a"b"', 'a"b"'],
    ['""value""', '"value"'],
  ])('%p -> %p', (raw, expected) => {
    expect(cleanValue(raw)).toBe(expected);
  });
});

describe('cleanSecret', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['  ', null],
    ['""', null],
    ['"  "', null],
    ['pw', 'pw'],
    ['  pw  ', 'pw'],
    ['"pw"', 'pw'],
    ["' pw '", ' pw '],
    ['"p"w"', 'p"w'],
  ])('%p -> %p', (raw, expected) => {
    expect(cleanSecret(raw)).toBe(expected);
  });
});

describe('stripQuotes', () => {
  it('strips exactly one pair', () => {
    expect(stripQuotes('"\'x\'"')).toEqual({ value: "'x'", quoted: true });
    expect(stripQuotes('x')).toEqual({ value: 'x', quoted: false });
  });
});

describe('parseBoolWord', () => {
  it.each(['1', 'true', 'TRUE', 'Yes', 'on', ' On '])('%p is true', (v) => expect(parseBoolWord(v)).toBe(true));
  it.each(['0', 'false', 'False', 'NO', 'off'])('%p is false', (v) => expect(parseBoolWord(v)).toBe(false));
  it.each(['', '2', 'y', 'enable', 'flase'])('%p is unknown', (v) => expect(parseBoolWord(v)).toBeNull());
});

describe('splitList', () => {
  it('splits on ; trims and drops blanks', () => {
    expect(splitList(' a ;; b ;  ;c;')).toEqual(['a', 'b', 'c']);
    expect(splitList('')).toEqual([]);
    expect(splitList(' ; ')).toEqual([]);
  });
  it('keeps an escaped separator inside an item', () => {
    expect(splitList('cn=a\\;b,dc=x;cn=c')).toEqual(['cn=a\\;b,dc=x', 'cn=c']);
    expect(splitList('cn=a\\\\;cn=b')).toEqual(['cn=a\\\\', 'cn=b']);
  });
  it('takes another separator', () => {
    expect(splitList('a,b', ',')).toEqual(['a', 'b']);
  });
});

describe('isAttributeName', () => {
  it.each(['cn', 'ou', 'sAMAccountName', 'x-custom-1', '2.5.4.3'])('%p is valid', (v) => expect(isAttributeName(v)).toBe(true));
  it.each(['', '1cn', 'group of names', 'foo!', 'cn;binary', 'mail ', '-a', '2'])('%p is invalid', (v) =>
    expect(isAttributeName(v)).toBe(false),
  );
});

describe('dnProblem', () => {
  it('is null for a DN that parses', () => {
    expect(dnProblem('cn=admins,ou=groups,dc=example,dc=com')).toBeNull();
  });
  it('describes a DN that does not parse', () => {
    expect(dnProblem('admins')).toEqual(expect.any(String));
    expect(dnProblem('cn=a,,dc=b')).toEqual(expect.any(String));
  });
  it('refuses the empty DN', () => {
    expect(dnProblem('  ')).toBe('empty DN');
  });
});

describe('fileErrorText', () => {
  it('names common errno codes in words', () => {
    expect(fileErrorText(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('no such file or folder');
    expect(fileErrorText(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied');
    expect(fileErrorText(Object.assign(new Error('x'), { code: 'EISDIR' }))).toBe('is a folder, not a file');
    expect(fileErrorText(Object.assign(new Error('boom'), { code: 'EIO' }))).toBe('EIO: boom');
    expect(fileErrorText(new Error('plain'))).toBe('plain');
    expect(fileErrorText('text')).toBe('text');
  });
});
