import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { InvalidInput } from '../common/errors/common-errors';
import { IsCountryCode } from '../common/validation/is-country.decorator';
import { EscrowScope, SCOPE_FIELD, SCOPE_KINDS, scopeOf, ScopeKind } from '../escrow/holds/escrow-scope';

/** A scope as request bodies give it: `scope` and exactly the one id field it names. */
export class ScopeInput {
  @ApiProperty({ enum: SCOPE_KINDS })
  @IsIn(SCOPE_KINDS)
  scope: ScopeKind;

  @ApiPropertyOptional({ description: 'with scope escrow_account' })
  @IsOptional()
  @IsUUID()
  escrowAccountId?: string;

  @ApiPropertyOptional({ description: 'with scope recipient' })
  @IsOptional()
  @IsUUID()
  recipientOrganizationId?: string;

  @ApiPropertyOptional({ description: 'with scope tranche' })
  @IsOptional()
  @IsUUID()
  trancheId?: string;

  @ApiPropertyOptional({ description: 'with scope country: ISO 3166-1 alpha-2; every escrow account of that country' })
  @IsOptional()
  @IsCountryCode()
  country?: string;
}

/** The scope the body names; 400 naming the field when its id is missing or another one is given. */
export function scopeFromInput(input: ScopeInput): EscrowScope {
  const wanted = SCOPE_FIELD[input.scope];
  for (const field of Object.values(SCOPE_FIELD)) {
    const given = (input as unknown as Record<string, string | undefined>)[field];
    if (field === wanted && given === undefined) throw new InvalidInput(field, `is required with scope ${input.scope}`);
    if (field !== wanted && given !== undefined) throw new InvalidInput(field, `does not belong to scope ${input.scope} (it takes ${wanted})`);
  }
  return scopeOf(input.scope, (input as unknown as Record<string, string>)[wanted]);
}

/** A scope as views show it: the kind and all four target fields, null but the one. */
export function scopeView(scope: EscrowScope): { scope: ScopeKind; escrowAccountId: string | null; recipientOrganizationId: string | null; trancheId: string | null; country: string | null } {
  return {
    scope: scope.scope,
    escrowAccountId: scope.scope === 'escrow_account' ? scope.escrowAccountId : null,
    recipientOrganizationId: scope.scope === 'recipient' ? scope.recipientOrganizationId : null,
    trancheId: scope.scope === 'tranche' ? scope.trancheId : null,
    country: scope.scope === 'country' ? scope.country : null,
  };
}
