import type { TrancheCategory } from '../../escrow/tranches/tranche.types';
import type { IatiCode, IatiDefaults } from './iati-xml';

/**
 * The IATI 2.03 codes the export uses, each from its codelist (mapping.xml names which
 * attribute takes which; test/e2e/reporting-iati-ruleset.e2e-spec.ts checks every code in the
 * export against ../shared/iati-2.03/codelists).
 */

/** DAC 5-digit purpose codes (Sector vocabulary 1) for each tranche category. */
export const DAC_SECTORS: Record<TrancheCategory, IatiCode> = {
  utilities: { vocabulary: '1', code: '14030', name: 'Basic drinking water supply and basic sanitation' },
  clinics: { vocabulary: '1', code: '12230', name: 'Basic health infrastructure' },
  shelters: { vocabulary: '1', code: '72010', name: 'Material relief assistance and services' },
  infrastructure: { vocabulary: '1', code: '73010', name: 'Immediate post-emergency reconstruction and rehabilitation' },
  livelihoods: { vocabulary: '1', code: '16020', name: 'Employment creation' },
};

/**
 * An account nothing was earmarked from yet has no sector of its own, but the Standard Ruleset
 * (6.2.2) wants one: DAC 99810 "Sectors not specified" says exactly that, rather than guessing.
 */
export const SECTOR_NOT_SPECIFIED: IatiCode = { vocabulary: '1', code: '99810', name: 'Sectors not specified' };

/**
 * An account opened without a country still needs a recipient country or region (Standard
 * Ruleset 3.7.1/3.7.2, else every transaction would need one): Region 998 (OECD DAC, vocabulary
 * 1) "Developing countries, unspecified" is IATI's way of saying it is not yet known where.
 */
export const REGION_UNSPECIFIED: IatiCode = { vocabulary: '1', code: '998', name: 'Developing countries, unspecified' };

/**
 * What every transaction of an escrow account is, unless it says otherwise:
 * - FlowType 10 ODA: public donors' concessional aid, what post-conflict reconstruction funds are;
 * - FinanceType 110 Standard grant: nothing deposited is repaid (closing refunds unallocated money);
 * - AidType B04 Basket funds/pooled funding (DAC vocabulary 1): donors pay into an account with
 *   set purposes, disbursement rules and accountability, released only on agreed conditions;
 * - TiedStatus 5 Untied: a release pays the recipient named on the tranche, with no procurement tie.
 */
export const ESCROW_DEFAULTS: IatiDefaults = {
  flowType: '10',
  financeType: '110',
  aidType: { code: 'B04', vocabulary: '1' },
  tiedStatus: '5',
};

/** HumanitarianScopeType 1 Emergency with vocabulary 1-2 GLIDE; 2 Appeal with 2-1 Humanitarian Plan (OCHA's codes). */
export const HumanitarianScope = {
  glide: { type: '1', vocabulary: '1-2' },
  responsePlan: { type: '2', vocabulary: '2-1' },
} as const;

/** BudgetType 1 Original, BudgetStatus 2 Committed: tranches are binding earmarks. */
export const COMMITTED_BUDGET = { type: '1', status: '2' } as const;
