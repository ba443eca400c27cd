import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, Matches } from 'class-validator';

export const MAX_CITED_FILES = 50;

/**
 * `evidenceFiles: [sha256]` on a sign-off, finding, case or inspection: lowercase hex SHA-256 of
 * uploaded files (POST /v1/evidence), each once. Whether each exists is checked by
 * EvidenceService.assertStored in the command's transaction (400 naming the field).
 */
export function EvidenceFiles(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description: 'SHA-256 (lowercase hex) of uploaded evidence files' }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_CITED_FILES),
    ArrayUnique(),
    Matches(/^[0-9a-f]{64}$/, { each: true, message: 'each of evidenceFiles must be the lowercase hex SHA-256 of an uploaded file' }),
  );
}
