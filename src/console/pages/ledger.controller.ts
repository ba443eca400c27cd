import { Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PassThrough, pipeline } from 'node:stream';
import { CheckpointService } from '../../attestation/checkpoints/checkpoint.service';
import { InvalidInput } from '../../common/errors/common-errors';
import { AppConfig } from '../../config/app-config';
import { journalFormatter } from '../../ledger/journal-export';
import { JournalReaderService } from '../../ledger/journal-reader.service';
import { JOURNAL_KINDS } from '../../ledger/ledger-event';
import { VerifyService } from '../../ledger/verify.service';
import { renderDocument } from '../html/jsx';
import { ConsoleRoles, HtmlPage } from '../http/console-access';
import type { ConsoleRequest } from '../http/console-request';
import { publicOrigin } from '../http/public-origin';
import { pageContext } from '../views/page-context';
import { ConsoleController } from './console-controller';
import { ConsoleReads } from './console-reads.service';
import { CheckpointPage, JournalPage, VerifyPage, VerifyResultView } from './ledger.views';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The auditor's pages (admins read the ledger too): journal, verification, exports, checkpoint. */
@ConsoleController()
@ConsoleRoles('auditor', 'admin')
export class LedgerPagesController {
  constructor(
    private readonly reads: ConsoleReads,
    private readonly journal: JournalReaderService,
    private readonly verifier: VerifyService,
    private readonly checkpoints: CheckpointService,
    private readonly config: AppConfig,
  ) {}

  @Get('journal')
  @HtmlPage()
  async journalPage(@Req() request: ConsoleRequest, @Query('afterSeq') afterSeq?: string, @Query('kind') kind?: string, @Query('account') account?: string): Promise<string> {
    const filter = {
      afterSeq: afterSeq ? Number(/^\d{1,15}$/.test(afterSeq) ? afterSeq : NaN) : 0,
      kind: kind || undefined,
      account: account || undefined,
    };
    if (!Number.isSafeInteger(filter.afterSeq)) throw new InvalidInput('afterSeq', 'must be a whole number');
    if (filter.kind && !(JOURNAL_KINDS as readonly string[]).includes(filter.kind)) throw new InvalidInput('kind', 'is not a kind of journal transaction');
    if (filter.account && !UUID.test(filter.account)) throw new InvalidInput('account', 'is not an escrow account id');
    const [page, accounts, directory] = await Promise.all([
      this.journal.filteredPage(filter.afterSeq, PAGE_SIZE, { kind: filter.kind, escrowAccountId: filter.account }),
      this.reads.listAccounts(),
      this.reads.directory(),
    ]);
    return renderDocument(JournalPage({ context: pageContext(request), filter, accounts, items: page.items, nextAfterSeq: page.nextAfterSeq, directory }));
  }

  @Get('verify')
  @HtmlPage()
  verifyPage(@Req() request: ConsoleRequest): string {
    return renderDocument(VerifyPage({ context: pageContext(request) }));
  }

  /** Without a script: the check runs while the page waits, and the page shows its result. */
  @Get('verify/result')
  @HtmlPage()
  async verifyResult(@Req() request: ConsoleRequest): Promise<string> {
    return renderDocument(VerifyPage({ context: pageContext(request), result: await this.verifier.verify() }));
  }

  /**
   * With the page's script: progress as server-sent events (`progress` {done, total} per batch
   * read), then `result` with the rendered result. Calls while a check runs share the next one.
   */
  @Get('verify/events')
  async verifyEvents(@Req() request: ConsoleRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = pageContext(request);
    const events = new PassThrough();
    const send = (event: string, data: unknown) => events.writable && events.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    void reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no').send(events);
    send('progress', { done: 0, total: 0 });
    try {
      const result = await this.verifier.verify((progress) => send('progress', progress));
      send('result', { ok: result.ok, html: VerifyResultView({ context, result }).text });
    } catch {
      send('failure', { message: 'The verification could not run (the database did not answer). Nothing was changed; try again.' });
    } finally {
      events.end();
    }
  }

  @Get('export')
  async export(@Query('format') format: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const chosen = format ?? 'ndjson';
    if (chosen !== 'ndjson' && chosen !== 'csv') throw new InvalidInput('format', 'must be ndjson or csv');
    const rows = await this.journal.stream();
    const body = pipeline(rows, journalFormatter(chosen), () => undefined);
    await reply
      .header('content-type', chosen === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="journal.${chosen}"`)
      .header('cache-control', 'no-store')
      .send(body);
  }

  @Get('checkpoint')
  @HtmlPage()
  async checkpoint(@Req() request: ConsoleRequest): Promise<string> {
    return renderDocument(CheckpointPage({ context: pageContext(request), checkpoint: await this.checkpoints.latest(), origin: publicOrigin(request, this.config) }));
  }
}
