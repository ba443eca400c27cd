import { contentDisposition } from '../../src/evidence/evidence.controller';
import { cleanFilename } from '../../src/evidence/evidence.service';
import { isCsv, sniffMediaType } from '../../src/evidence/media-type';

const type = (text: string | Buffer) => {
  const sniffed = sniffMediaType(typeof text === 'string' ? Buffer.from(text) : text);
  return 'mediaType' in sniffed ? sniffed.mediaType : 'refused';
};

describe('evidence media types, from the bytes', () => {
  it.each([
    ['%PDF-1.4 ...', 'application/pdf'],
    ['\uFEFFnotes with a byte order mark\n', 'text/plain'],
    ['a,b\r\n1,2\r\n', 'text/csv'],
    ['"quoted, comma",b\n"with ""quotes""",2\n', 'text/csv'],
    ['a,b\n1,2,3\n', 'text/plain'],
    ['one line, with a comma', 'text/plain'],
    ['a,"unterminated\n1,2\n', 'text/plain'],
    ['tabs\tand\nlines\r\n', 'text/plain'],
    ['  <html><body>', 'refused'],
    ['Notes <IFRAME src=x>', 'refused'],
    ['plain 3 < 4 and 5 > 2', 'text/plain'],
    ['bell \u0007', 'refused'],
    ['C1 \u0085 control', 'refused'],
  ])('%j → %s', (text, expected) => expect(type(text)).toBe(expected));

  it('refuses bytes that are not UTF-8', () => expect(type(Buffer.from([0x68, 0x69, 0xc3]))).toBe('refused'));
  it('needs a whole WebP header', () => expect(type(Buffer.from('RIFF\x00\x00\x00\x00WEBX', 'latin1'))).toBe('refused'));
  it('calls a single record no table', () => expect(isCsv('a,b,c\n')).toBe(false));
});

describe('evidence file names', () => {
  it.each([
    ['C:\\Users\\me\\audit report.pdf', 'audit report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['bad\u202Ename.txt', 'badname.txt'],
    ['quote"d.txt', 'quoted.txt'],
    ['..', null],
    ['', null],
    [undefined, null],
  ])('%j → %j', (given, expected) => expect(cleanFilename(given)).toBe(expected));

  it('cuts long names on a character boundary', () => {
    const name = cleanFilename('😀'.repeat(300))!;
    expect([...name]).toHaveLength(200);
    expect(name.isWellFormed()).toBe(true);
  });

  it('offers an ASCII name and the exact one (RFC 6266)', () => {
    expect(contentDisposition('Протокол 1.pdf')).toBe(`attachment; filename="________ 1.pdf"; filename*=UTF-8''%D0%9F%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB%201.pdf`);
    expect(contentDisposition("it's (final).txt")).toBe(`attachment; filename="it's (final).txt"; filename*=UTF-8''it%27s%20%28final%29.txt`);
  });
});
