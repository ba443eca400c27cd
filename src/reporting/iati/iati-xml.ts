/**
 * IATI 2.03 activity XML, written element by element in the order the schema's sequence
 * requires (iati-activities-schema.xsd). Pure: data in, text out. Which codes go in is the
 * caller's business (iati-codes.ts names them).
 */

export interface IatiOrg {
  name: string;
  /** An IATI organisation identifier, when known. */
  ref?: string;
  /** IATI OrganisationType code, when known. */
  type?: string;
}

/** IATI TransactionType codes used here. */
export const TransactionType = { incomingFunds: '1', outgoingCommitment: '2', disbursement: '3' } as const;
/** IATI ActivityStatus codes used here. */
export const ActivityStatus = { implementation: '2', closed: '4', cancelled: '5', suspended: '6' } as const;
/** IATI ConditionType codes. */
export const ConditionType = { performance: '2', fiduciary: '3' } as const;
/** IATI OrganisationRole codes. */
export const OrganisationRole = { funding: '1', accountable: '2', implementing: '4' } as const;

export interface IatiTransaction {
  ref: string;
  type: (typeof TransactionType)[keyof typeof TransactionType];
  date: Date;
  /** A decimal string; negative for a decommitment or a refund. */
  value: string;
  description: string;
  provider: IatiOrg;
  receiver: IatiOrg;
}

/** One emergency or appeal the activity responds to (HumanitarianScopeType, -Vocabulary). */
export interface IatiHumanitarianScope {
  type: string;
  vocabulary: string;
  code: string;
}

/** A classification with its own vocabulary: a sector, a region, an aid type. */
export interface IatiCode {
  code: string;
  vocabulary: string;
  name: string;
}

export interface IatiBudget {
  /** BudgetType (1 original, 2 revised) and BudgetStatus (1 indicative, 2 committed). */
  type: string;
  status: string;
  periodStart: Date;
  periodEnd: Date;
  /** A decimal string in the activity's currency, valued at the period's start. */
  value: string;
}

/** The activity's defaults for every transaction (FlowType, FinanceType, AidType, TiedStatus). */
export interface IatiDefaults {
  flowType: string;
  financeType: string;
  aidType: { code: string; vocabulary: string };
  tiedStatus: string;
}

export interface IatiActivity {
  identifier: string;
  title: string;
  description: string;
  currency: string;
  status: (typeof ActivityStatus)[keyof typeof ActivityStatus];
  lastUpdated: Date;
  startDate: Date;
  endDate: Date | null;
  participants: { role: (typeof OrganisationRole)[keyof typeof OrganisationRole]; org: IatiOrg }[];
  /** Where the aid goes: a country (ISO 3166-1 alpha-2, in the IATI Country codelist) or, failing one, a region. */
  recipient: { country: string } | { region: IatiCode };
  /** Sectors with their share of the activity, percentages summing to 100 per vocabulary. */
  sectors: (IatiCode & { percentage: string })[];
  humanitarianScopes: IatiHumanitarianScope[];
  defaults: IatiDefaults;
  budgets: IatiBudget[];
  transactions: IatiTransaction[];
  conditions: { type: (typeof ConditionType)[keyof typeof ConditionType]; text: string }[];
}

export function iatiActivitiesXml(reporter: Required<IatiOrg>, activities: IatiActivity[], generatedAt: Date): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<iati-activities version="2.03" generated-datetime="${dateTime(generatedAt)}">`,
  ];
  for (const activity of activities) out.push(...activityXml(reporter, activity).map((line) => `  ${line}`));
  out.push('</iati-activities>', '');
  return out.join('\n');
}

function activityXml(reporter: Required<IatiOrg>, a: IatiActivity): string[] {
  const lines: string[] = [];
  const add = (line: string) => lines.push(`  ${line}`);
  lines.push(
    `<iati-activity last-updated-datetime="${dateTime(a.lastUpdated)}" xml:lang="en" default-currency="${attr(a.currency)}" humanitarian="1">`,
  );
  add(`<iati-identifier>${text(a.identifier)}</iati-identifier>`);
  add(`<reporting-org${orgAttributes(reporter)}>${narrative(reporter.name)}</reporting-org>`);
  add(`<title>${narrative(a.title)}</title>`);
  add(`<description type="1">${narrative(a.description)}</description>`);
  for (const p of a.participants) add(`<participating-org role="${p.role}"${orgAttributes(p.org)}>${narrative(p.org.name)}</participating-org>`);
  add(`<activity-status code="${a.status}"/>`);
  add(`<activity-date type="2" iso-date="${date(a.startDate)}"/>`);
  if (a.endDate) add(`<activity-date type="4" iso-date="${date(a.endDate)}"/>`);
  if ('country' in a.recipient) add(`<recipient-country code="${attr(a.recipient.country)}" percentage="100"/>`);
  else add(`<recipient-region code="${attr(a.recipient.region.code)}" vocabulary="${attr(a.recipient.region.vocabulary)}" percentage="100">${narrative(a.recipient.region.name)}</recipient-region>`);
  for (const s of a.sectors) add(`<sector vocabulary="${attr(s.vocabulary)}" code="${attr(s.code)}" percentage="${s.percentage}">${narrative(s.name)}</sector>`);
  for (const h of a.humanitarianScopes) add(`<humanitarian-scope type="${attr(h.type)}" vocabulary="${attr(h.vocabulary)}" code="${attr(h.code)}"/>`);
  add(`<default-flow-type code="${attr(a.defaults.flowType)}"/>`);
  add(`<default-finance-type code="${attr(a.defaults.financeType)}"/>`);
  add(`<default-aid-type code="${attr(a.defaults.aidType.code)}" vocabulary="${attr(a.defaults.aidType.vocabulary)}"/>`);
  add(`<default-tied-status code="${attr(a.defaults.tiedStatus)}"/>`);
  for (const b of a.budgets) {
    add(`<budget type="${attr(b.type)}" status="${attr(b.status)}">`);
    add(`  <period-start iso-date="${date(b.periodStart)}"/>`);
    add(`  <period-end iso-date="${date(b.periodEnd)}"/>`);
    add(`  <value currency="${attr(a.currency)}" value-date="${date(b.periodStart)}">${b.value}</value>`);
    add(`</budget>`);
  }
  for (const t of a.transactions) {
    add(`<transaction ref="${attr(t.ref)}">`);
    add(`  <transaction-type code="${t.type}"/>`);
    add(`  <transaction-date iso-date="${date(t.date)}"/>`);
    add(`  <value currency="${attr(a.currency)}" value-date="${date(t.date)}">${t.value}</value>`);
    add(`  <description>${narrative(t.description)}</description>`);
    add(`  <provider-org${orgAttributes(t.provider)}>${narrative(t.provider.name)}</provider-org>`);
    add(`  <receiver-org${orgAttributes(t.receiver)}>${narrative(t.receiver.name)}</receiver-org>`);
    add(`</transaction>`);
  }
  if (a.conditions.length === 0) add(`<conditions attached="0"/>`);
  else {
    add(`<conditions attached="1">`);
    for (const c of a.conditions) add(`  <condition type="${c.type}">${narrative(c.text)}</condition>`);
    add(`</conditions>`);
  }
  lines.push('</iati-activity>');
  return lines;
}

function orgAttributes(org: IatiOrg): string {
  return `${org.ref ? ` ref="${attr(org.ref)}"` : ''}${org.type ? ` type="${attr(org.type)}"` : ''}`;
}

function narrative(value: string): string {
  return `<narrative>${text(value)}</narrative>`;
}

/** XML 1.0 forbids most control characters even escaped: drop them. */
function clean(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function date(value: Date): string {
  return value.toISOString().slice(0, 10);
}

function dateTime(value: Date): string {
  return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
