import { createHash } from 'node:crypto';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, databaseState, deposit, readJournal, readyTranche } from '../support/workflow';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MAX = 4096;

/** The file formats API.md accepts, as their bytes begin; and what it refuses. */
const ACCEPTED: [string, Buffer, string][] = [
  ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'application/pdf'],
  ['a PNG', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000dIHDR', 'latin1'), Buffer.alloc(16, 1)]), 'image/png'],
  ['a JPEG', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF'), Buffer.alloc(32, 7)]), 'image/jpeg'],
  ['a WebP', Buffer.concat([Buffer.from('RIFF'), Buffer.from([24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(16, 3)]), 'image/webp'],
  ['plain text', Buffer.from('Site visit, 14 March.\nThe pumping station runs; 3 of 4 pumps.\n'), 'text/plain'],
  ['UTF-8 text', Buffer.from('Протокол засідання: ухвалено.\n'), 'text/plain'],
  ['a CSV table', Buffer.from('item,quantity,unit price\ncement,"1,200",4.50\nrebar,300,1.10\n'), 'text/csv'],
];
const REFUSED: [string, Buffer][] = [
  ['HTML', Buffer.from('<!doctype html><html><body>audit</body></html>')],
  ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
  ['XML', Buffer.from('<?xml version="1.0"?><report/>')],
  ['text hiding a script', Buffer.from('Minutes of the meeting\n<script>fetch("/v1/ledger/export")</script>\n')],
  ['binary', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xff, 0x10])],
  ['a ZIP archive', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(20, 0)])],
];

describe('evidence files', () => {
  let t: TestApp;
  let cast: Cast;
  let monitor: TestPrincipal;

  beforeAll(async () => {
    t = await startTestApp({ EVIDENCE_MAX_BYTES: MAX });
    cast = await createCast(t);
    monitor = cast.monitors[0];
  });
  afterAll(() => t.close());

  const upload = (bytes: Buffer, filename = 'evidence.bin', contentType = 'application/octet-stream', who: TestPrincipal = monitor) =>
    t.http().post('/v1/evidence').set(who.auth).attach('file', bytes, { filename, contentType });

  it.each(ACCEPTED)('takes %s, typed by its bytes whatever its name and claimed type', async (_, bytes, mediaType) => {
    const res = await upload(bytes, 'photo.png', 'image/png').expect(201);
    expect(res.body).toMatchObject({ sha256: sha256(bytes), size: bytes.length, mediaType, filename: 'photo.png' });
    const download = await t.http().get(`/v1/evidence/${sha256(bytes)}`).set(cast.auditor.auth).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    expect(download.headers['content-type']).toBe(mediaType.startsWith('text/') ? `${mediaType}; charset=utf-8` : mediaType);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="photo.png"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(REFUSED)('refuses %s with 415, and writes nothing', async (_, bytes) => {
    const before = await databaseState(t);
    const res = await upload(bytes, 'report.pdf', 'application/pdf');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await databaseState(t)).toEqual(before);
  });

  it(`answers a file above EVIDENCE_MAX_BYTES (${MAX}) with 413 and takes one of exactly that size`, async () => {
    const before = await databaseState(t);
    const tooLarge = await upload(Buffer.alloc(MAX + 1, 'a'), 'big.txt');
    expect({ status: tooLarge.status, code: tooLarge.body.code }).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
    expect(await databaseState(t)).toEqual(before);
    expect((await upload(Buffer.alloc(MAX, 'b'), 'exact.txt').expect(201)).body.size).toBe(MAX);
  });

  it('takes multipart only here: JSON at the upload route and multipart anywhere else get 415', async () => {
    const json = await t.http().post('/v1/evidence').set(monitor.auth).send({ file: 'JVBERi0=' });
    expect(json.status).toBe(415);
    const before = await databaseState(t);
    const elsewhere = await t.http().post('/v1/organizations').set(cast.admin.auth).field('name', 'Org').field('type', 'recipient');
    expect(elsewhere.status).toBe(415);
    expect(await databaseState(t)).toEqual(before);
  });

  it('wants exactly one part, named file, holding something', async () => {
    const text = Buffer.from('notes\n');
    const cases = [
      t.http().post('/v1/evidence').set(monitor.auth).attach('file', text, 'a.txt').attach('file', Buffer.from('more\n'), 'b.txt'),
      t.http().post('/v1/evidence').set(monitor.auth).field('note', 'hello').attach('file', text, 'a.txt'),
      t.http().post('/v1/evidence').set(monitor.auth).attach('document', text, 'a.txt'),
      t.http().post('/v1/evidence').set(monitor.auth).field('only', 'a field'),
      upload(Buffer.alloc(0), 'empty.txt'),
    ];
    for (const res of await Promise.all(cases)) expect({ status: res.status, body: res.body.statusCode }).toEqual({ status: 400, body: 400 });
  });

  it('stores each distinct file once and journals it once, hash, size and type only', async () => {
    const bytes = Buffer.from(`dedup ${Math.random()}\n`);
    const first = (await upload(bytes, 'first.txt').expect(201)).body;
    const second = (await upload(bytes, 'second.txt', 'text/plain', cast.admin).expect(201)).body;
    expect(first.alreadyStored).toBe(false);
    expect(second).toMatchObject({ sha256: first.sha256, alreadyStored: true, filename: 'first.txt' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM evidence_files WHERE sha256 = decode($1, 'hex')`, [first.sha256]);
    expect(n).toBe(1);
    const journaled = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'evidence_uploaded' && i.body.details.sha256 === first.sha256);
    expect(journaled.map((i) => i.body.details)).toEqual([{ sha256: first.sha256, size: bytes.length, mediaType: 'text/plain' }]);
  });

  it('replays an upload under its Idempotency-Key, and refuses the key with another file (422)', async () => {
    const key = `upload-${Math.random()}`;
    const a = Buffer.from(`first file ${Math.random()}\n`);
    const first = await upload(a, 'a.txt').set('idempotency-key', key).expect(201);
    const again = await upload(a, 'a.txt').set('idempotency-key', key).expect(201);
    expect(again.body).toEqual(first.body);
    const other = await upload(Buffer.from('another file\n'), 'a.txt').set('idempotency-key', key);
    expect(other.status).toBe(422);
  });

  it('GET names a file by its lowercase hex SHA-256: unknown 404, malformed 400', async () => {
    await t.http().get(`/v1/evidence/${'a'.repeat(64)}`).set(cast.donorA.auth).expect(404);
    await t.http().get('/v1/evidence/not-a-hash').set(cast.donorA.auth).expect(400);
    await t.http().get(`/v1/evidence/${'A'.repeat(64)}`).set(cast.donorA.auth).expect(400);
  });

  it('sign-offs cite uploaded files by hash: unknown ones are refused; the journal and the benchmark carry the hashes', async () => {
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '10.00');
    const trancheId = await readyTranche(t, cast, escrowId, '10.00');
    const benchmarkId = (await t.http().get(`/v1/tranches/${trancheId}`).set(monitor.auth).expect(200)).body.benchmarks[0].id;
    const signoff = (files: string[]) => t.http().post(`/v1/benchmarks/${benchmarkId}/signoffs`).set(monitor.auth).send({ decision: 'approve', evidenceFiles: files });

    const before = await databaseState(t);
    const unknown = await signoff(['f'.repeat(64)]);
    expect({ status: unknown.status, fields: unknown.body.fields }).toEqual({ status: 400, fields: ['evidenceFiles'] });
    expect((await signoff(['not hex'])).status).toBe(400);
    expect(await databaseState(t)).toEqual(before);

    const photo = (await upload(ACCEPTED[1][1], 'site.png').expect(201)).body.sha256;
    const minutes = (await upload(Buffer.from(`minutes ${Math.random()}\n`), 'minutes.txt').expect(201)).body.sha256;
    const benchmark = (await signoff([photo, minutes]).expect(201)).body;
    const mine = benchmark.signoffs.find((s: { principalId: string }) => s.principalId === monitor.id);
    expect(mine.evidenceFiles).toEqual([photo, minutes]);
    const journaled = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'benchmark_signoff' && i.body.refs.benchmarkId === benchmarkId).pop()!;
    expect(journaled.body.details.evidenceFiles).toEqual([photo, minutes]);
  });
});
