import { DomainError } from '../common/errors/domain-error';

/** Refusals of an evidence upload (API.md, "Evidence files"). */
export const EVIDENCE_ERROR_CODES = ['UNSUPPORTED_MEDIA_TYPE', 'FILE_TOO_LARGE'] as const;
export type EvidenceErrorCode = (typeof EVIDENCE_ERROR_CODES)[number];

export class EvidenceRefused extends DomainError<EvidenceErrorCode> {}
