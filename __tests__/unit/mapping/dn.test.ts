import { DnSyntaxError, dnEquals, escapeDnValue, formatDn, normalizeDn, parseDn, dnKey } from '../../../lib/mapping/dn';

describe('parseDn', () => {
  it('parses the root DN (empty or blank) to []', () => {
    expect(parseDn('')).toEqual([]);
    expect(parseDn('   ')).toEqual([]);
  });

  it('parses a plain DN keeping the spelling of types and values', () => {
    expect(parseDn('CN=Admins,OU=Groups,DC=Example,DC=Com')).toEqual([
      [{ type: 'CN', value: 'Admins' }],
      [{ type: 'OU', value: 'Groups' }],
      [{ type: 'DC', value: 'Example' }],
      [{ type: 'DC', value: 'Com' }],
    ]);
  });

  it('ignores spaces around , = + and accepts ; as RDN separator', () => {
    expect(parseDn('  cn = a + uid = b ;  dc = x  ,dc=y ')).toEqual([
      [
        { type: 'cn', value: 'a' },
        { type: 'uid', value: 'b' },
      ],
      [{ type: 'dc', value: 'x' }],
      [{ type: 'dc', value: 'y' }],
    ]);
  });

  it('keeps inner spaces of a value', () => {
    expect(parseDn('cn=Bob  Smith ,dc=x')[0][0].value).toBe('Bob  Smith');
  });

  it.each([
    ['\\,', ','],
    ['\\+', '+'],
    ['\\"', '"'],
    ['\\\\', '\\'],
    ['\\<', '<'],
    ['\\>', '>'],
    ['\\;', ';'],
    ['\\=', '='],
    ['\\#', '#'],
    ['\\ ', ' '],
  ])('unescapes %s in the middle of a value', (escaped, plain) => {
    expect(parseDn(`cn=a${escaped}b,dc=x`)[0][0].value).toBe(`a${plain}b`);
  });

  it('keeps escaped leading and trailing spaces but drops unescaped ones', () => {
    expect(parseDn('cn=\\ a\\ ,dc=x')[0][0].value).toBe(' a ');
    expect(parseDn('cn=a \\  ,dc=x')[0][0].value).toBe('a  ');
    expect(parseDn('cn=\\20a\\20')[0][0].value).toBe(' a ');
  });

  it('decodes hex escapes, including multi-byte UTF-8', () => {
    expect(parseDn('cn=a\\2Cb')[0][0].value).toBe('a,b');
    expect(parseDn('cn=a\\2cb')[0][0].value).toBe('a,b');
    expect(parseDn('cn=M\\C3\\BCller')[0][0].value).toBe('Müller');
    expect(parseDn('cn=J\\C3\\A4ger')[0][0].value).toBe('Jäger');
    expect(parseDn('cn=\\E2\\82\\AC')[0][0].value).toBe('€');
    expect(parseDn('cn=\\F0\\9F\\98\\80x')[0][0].value).toBe('😀x');
    expect(parseDn('cn=\\00')[0][0].value).toBe('\0');
  });

  it('accepts literal non-ASCII', () => {
    expect(parseDn('cn=Jäger,ou=Straße')).toEqual([[{ type: 'cn', value: 'Jäger' }], [{ type: 'ou', value: 'Straße' }]]);
  });

  it('accepts quoted values (RFC 1779) and unquotes them', () => {
    expect(parseDn('CN="Jones, Bob",O=x')).toEqual([[{ type: 'CN', value: 'Jones, Bob' }], [{ type: 'O', value: 'x' }]]);
    expect(parseDn('cn = " a+b;c " , dc=x')[0][0].value).toBe(' a+b;c ');
    expect(parseDn('cn="say \\"hi\\""')[0][0].value).toBe('say "hi"');
  });

  it('keeps hex-string values as #... lower-cased', () => {
    expect(parseDn('1.2.3=#04024869,dc=x')).toEqual([[{ type: '1.2.3', value: '#04024869' }], [{ type: 'dc', value: 'x' }]]);
    expect(parseDn('1.2.3=#04AB')[0][0].value).toBe('#04ab');
  });

  it('accepts OID attribute types, with or without the OID. prefix', () => {
    expect(parseDn('2.5.4.3=x')).toEqual([[{ type: '2.5.4.3', value: 'x' }]]);
    expect(parseDn('OID.2.5.4.3=x')).toEqual([[{ type: '2.5.4.3', value: 'x' }]]);
    expect(parseDn('msDS-x=1')).toEqual([[{ type: 'msDS-x', value: '1' }]]);
  });

  it('accepts empty values (legal in RFC 4514)', () => {
    expect(parseDn('cn=')).toEqual([[{ type: 'cn', value: '' }]]);
    expect(parseDn('cn=,dc=x')).toEqual([[{ type: 'cn', value: '' }], [{ type: 'dc', value: 'x' }]]);
    expect(parseDn('cn=""')).toEqual([[{ type: 'cn', value: '' }]]);
  });

  it('accepts = and # inside an unquoted value', () => {
    expect(parseDn('cn=a=b#c')[0][0].value).toBe('a=b#c');
  });

  it.each([
    ['foo', "missing '=' after attribute type 'foo' at position 3"],
    ['cn=a,', 'missing attribute type at position 5'],
    [',cn=a', "unexpected character ',' at position 0"],
    ['cn=a,,dc=b', "unexpected character ',' at position 5"],
    ['cn=a+', 'missing attribute type at position 5'],
    ['=a', "unexpected character '=' at position 0"],
    ['cn=a\\', 'trailing backslash at position 4'],
    ['cn=\\zz', "invalid escape '\\zz' at position 3"],
    ['cn=\\2', "invalid escape '\\2' at position 3"],
    ['cn=\\2g', "invalid escape '\\2g' at position 3"],
    ['cn=\\FF', 'invalid UTF-8 in hex escapes at position 3'],
    ['cn=\\C3', 'invalid UTF-8 in hex escapes at position 3'],
    ['cn=a"b', "unexpected character '\"' at position 4"],
    ['cn="abc', 'unterminated quoted value at position 3'],
    ['cn="a"b', "unexpected character 'b' at position 6"],
    ['cn=#zz', 'invalid hex string value at position 3'],
    ['cn=#041', "unexpected character '1' at position 6"],
    ['1cn=x', "invalid attribute type '1cn' at position 0"],
    ['c n=x', "unexpected character 'n' at position 2"],
    ['cn_x=y', "unexpected character '_' at position 2"],
    ['2.5.=x', "invalid attribute type '2.5.' at position 0"],
  ])('rejects %j: %s', (dn, message) => {
    expect(() => parseDn(dn)).toThrow(DnSyntaxError);
    expect(() => parseDn(dn)).toThrow(message);
  });

  it('throws errors that are DnSyntaxError instances named so', () => {
    try {
      parseDn('garbage');
      throw new Error('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(DnSyntaxError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('DnSyntaxError');
    }
  });
});

describe('escapeDnValue', () => {
  it.each([
    ['\\', '\\\\'],
    [',', '\\,'],
    ['+', '\\+'],
    ['"', '\\"'],
    ['<', '\\<'],
    ['>', '\\>'],
    [';', '\\;'],
    ['=', '\\='],
  ])('escapes %s with a backslash', (c, escaped) => {
    expect(escapeDnValue(`a${c}b`)).toBe(`a${escaped}b`);
  });

  it('escapes NUL as \\00', () => {
    expect(escapeDnValue('a\0b')).toBe('a\\00b');
  });

  it('escapes a leading # or space and a trailing space only', () => {
    expect(escapeDnValue('#a#')).toBe('\\#a#');
    expect(escapeDnValue(' a b ')).toBe('\\ a b\\ ');
    expect(escapeDnValue(' ')).toBe('\\ ');
    expect(escapeDnValue('  ')).toBe('\\ \\ ');
  });

  it('leaves ordinary text, * ( ) and non-ASCII alone', () => {
    expect(escapeDnValue('jdoe')).toBe('jdoe');
    expect(escapeDnValue('a*(b)')).toBe('a*(b)');
    expect(escapeDnValue('Müller 😀')).toBe('Müller 😀');
    expect(escapeDnValue('')).toBe('');
  });

  it('escapes an injection attempt so it stays one value', () => {
    const dn = `uid=${escapeDnValue('x,ou=Admins+cn=y')},dc=x`;
    expect(parseDn(dn)).toEqual([[{ type: 'uid', value: 'x,ou=Admins+cn=y' }], [{ type: 'dc', value: 'x' }]]);
  });

  it('round-trips arbitrary values through parseDn', () => {
    for (const v of ['#x', ' lead', 'trail ', 'a\\b', 'a,b+c;d<e>f="g"', '\0', 'ä ö', ' ', '']) {
      expect(parseDn(`cn=${escapeDnValue(v)}`)[0][0].value).toBe(v);
    }
  });
});

describe('formatDn', () => {
  it('formats parsed DNs back with escaping, keeping case', () => {
    expect(formatDn(parseDn('CN="Jones, Bob" , OU=Users'))).toBe('CN=Jones\\, Bob,OU=Users');
    expect(formatDn(parseDn('cn=a + uid=B'))).toBe('cn=a+uid=B');
    expect(formatDn(parseDn('cn=M\\C3\\BCller'))).toBe('cn=Müller');
    expect(formatDn([])).toBe('');
  });

  it('writes hex-string values unescaped', () => {
    expect(formatDn(parseDn('1.2.3=#04024869'))).toBe('1.2.3=#04024869');
  });
});

describe('normalizeDn', () => {
  it('lower-cases types and values and removes spaces', () => {
    expect(normalizeDn('CN=Admins, OU=Groups,DC=Example,DC=Com')).toBe('cn=admins,ou=groups,dc=example,dc=com');
    expect(normalizeDn(' cn = A ; dc = B ')).toBe('cn=a,dc=b');
  });

  it('re-escapes values canonically', () => {
    expect(normalizeDn('cn=a\\2Cb')).toBe('cn=a\\,b');
    expect(normalizeDn('cn="a,b"')).toBe('cn=a\\,b');
    expect(normalizeDn('cn=\\#a')).toBe('cn=\\#a');
  });

  it('sorts AVAs of a multi-valued RDN', () => {
    expect(normalizeDn('UID=b+CN=a,dc=x')).toBe('cn=a+uid=b,dc=x');
  });

  it('folds Unicode case and NFC-normalises', () => {
    expect(normalizeDn('cn=MÜLLER')).toBe('cn=müller');
    expect(normalizeDn('cn=Mu\u0308ller')).toBe('cn=m\u00fcller');
  });

  it('maps well-known OIDs and long names to short attribute names', () => {
    expect(normalizeDn('2.5.4.3=x,OID.2.5.4.11=y,0.9.2342.19200300.100.1.25=z')).toBe('cn=x,ou=y,dc=z');
    expect(normalizeDn('commonName=x,domainComponent=z')).toBe('cn=x,dc=z');
  });

  it('ignores insignificant spaces inside values (RFC 4518)', () => {
    expect(normalizeDn('cn=a   b')).toBe('cn=a b');
    expect(normalizeDn('cn=\\ a\\ ')).toBe('cn=a');
  });

  it('returns "" for the root DN and throws DnSyntaxError for garbage', () => {
    expect(normalizeDn('')).toBe('');
    expect(() => normalizeDn('not a dn')).toThrow(DnSyntaxError);
  });
});

describe('dnEquals', () => {
  it.each([
    ['CN=Admins, OU=Groups,DC=Example,DC=Com', 'cn=admins,ou=groups,dc=example,dc=com'],
    ['cn=a\\2Cb,dc=x', 'cn=a\\,b,dc=x'],
    ['cn=a\\2cb,dc=x', 'CN=A\\,B,DC=X'],
    ['cn=a+uid=b,dc=x', 'uid=b+cn=a,dc=x'],
    ['cn = a , dc = x', 'cn=a,dc=x'],
    ['cn=a ; dc=x', 'cn=a,dc=x'],
    ['CN="Jones, Bob",dc=x', 'cn=jones\\, bob,dc=x'],
    ['cn="a"', 'cn=a'],
    ['cn=J\\C3\\A4ger', 'cn=jäger'],
    ['cn=J\\c3\\a4ger', 'CN=JÄGER'],
    ['cn=Ja\u0308ger', 'cn=J\u00e4ger'],
    ['2.5.4.3=admins,dc=x', 'cn=Admins,dc=x'],
    ['1.2.3=#04AB', '1.2.3=#04ab'],
    ['', '   '],
  ])('%j equals %j', (a, b) => {
    expect(dnEquals(a, b)).toBe(true);
    expect(dnEquals(b, a)).toBe(true);
  });

  it.each([
    ['cn=a,dc=x', 'cn=a\\,dc=x'],
    ['cn=a,dc=x', 'cn=b,dc=x'],
    ['cn=a,dc=x', 'cn=a,dc=y'],
    ['cn=a,dc=x', 'cn=a'],
    ['cn=a,dc=x', 'ou=a,dc=x'],
    ['cn=a+uid=b,dc=x', 'cn=a,uid=b,dc=x'],
    ['cn=a+uid=b', 'cn=a'],
    ['cn=a\\+uid=b', 'cn=a+uid=b'],
    ['cn=ab', 'cn=a b'],
    ['cn=a,dc=x', ''],
  ])('%j does not equal %j', (a, b) => {
    expect(dnEquals(a, b)).toBe(false);
    expect(dnEquals(b, a)).toBe(false);
  });

  it('never throws; unparsable input compares as trimmed lower-cased text', () => {
    expect(dnEquals('Not A DN', ' not a dn ')).toBe(true);
    expect(dnEquals('not a dn', 'cn=x')).toBe(false);
    expect(dnEquals('cn=a\\', 'CN=A\\')).toBe(true);
    expect(dnEquals('cn=a\\', 'cn=a')).toBe(false);
  });
});

describe('dnKey', () => {
  it('is equal for DNs equal by meaning, and falls back to lower-cased text for unparsable ones', () => {
    expect(dnKey('CN=Admins, OU=Groups,DC=Example,DC=Com')).toBe(dnKey('cn=admins,ou=groups,dc=example,dc=com'));
    expect(dnKey('cn=a\\2Cb,dc=x')).toBe(dnKey('cn=a\\,b,dc=x'));
    expect(dnKey('cn=a,dc=x')).not.toBe(dnKey('cn=a\\,dc=x'));
    expect(dnKey('  Not A DN ')).toBe('not a dn');
  });
});
