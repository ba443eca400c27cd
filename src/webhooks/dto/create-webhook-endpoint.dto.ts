import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, Length, ValidateBy } from 'class-validator';
import { JOURNAL_KINDS } from '../../ledger/ledger-event';

/** "*" (every kind) stands alone: with kinds beside it, the list would say two things. */
const StarAlone = () =>
  ValidateBy({
    name: 'starAlone',
    validator: {
      validate: (events: unknown) => !Array.isArray(events) || !events.includes('*') || events.length === 1,
      defaultMessage: () => 'events must be ["*"] or a list of journal kinds, not both',
    },
  });

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://donor.example/hooks/escrow', description: 'https; it must resolve to public addresses only (unless WEBHOOK_ALLOW_PRIVATE=true)' })
  @IsString()
  @Length(1, 2048)
  url: string;

  @ApiProperty({ example: ['release_approved', 'escrow_suspended'], description: 'Journal kinds (as in /v1/ledger/transactions), or ["*"] for all' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(JOURNAL_KINDS.length)
  @ArrayUnique()
  @IsIn(['*', ...JOURNAL_KINDS], { each: true, message: `each of events must be "*" or a journal kind: ${JOURNAL_KINDS.join(', ')}` })
  @StarAlone()
  events: string[];
}
