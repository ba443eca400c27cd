import { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { JournalItemLike, verifyInspectionCommitments } from './inspection-commitments';

/**
 * `inspections:verify --export FILE`: checks every inspection commitment and draw in a journal
 * export (GET /v1/ledger/export?format=ndjson), offline, with no database. One JSON line; exit 0
 * when every commitment holds, 1 when one does not.
 */
export function registerInspectionsVerifyCommand(program: Command): void {
  program
    .command('inspections:verify')
    .description('check inspection commitments and random draws in an NDJSON journal export (no database needed)')
    .requiredOption('--export <file>', 'the journal as GET /v1/ledger/export?format=ndjson gives it')
    .action(async (options: { export: string }) => {
      const items: JournalItemLike[] = [];
      for await (const line of createInterface({ input: createReadStream(options.export, 'utf8'), crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        const item = JSON.parse(line) as JournalItemLike;
        if (item.kind.startsWith('inspection')) items.push(item);
      }
      items.sort((a, b) => a.seq - b.seq);
      const report = verifyInspectionCommitments(items);
      process.stdout.write(JSON.stringify(report) + '\n');
      process.exitCode = report.ok ? 0 : 1;
    });
}
