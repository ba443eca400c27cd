import { Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import { Principal } from '../common/access/principal';
import { Roles } from '../common/access/roles.decorator';
import { InvalidInput } from '../common/errors/common-errors';
import { Command } from '../common/http/command.decorator';
import { EvidenceUploadGuard, UploadedEvidence } from './evidence-upload';
import { EvidenceService, EvidenceUpload } from './evidence.service';
import { EVIDENCE_MEDIA_TYPES, EXTENSION } from './media-type';
import { Answer, ApiAnswers, ApiJson, ApiRefusals } from '../common/openapi/api-answer.decorator';

/** The bytes as stored, typed by what they are (media-type.ts), always as an attachment. */
const EVIDENCE_ANSWER: Answer = {
  status: 200,
  description: 'The file, as a download (Content-Disposition: attachment)',
  schema: { type: 'string', format: 'binary' },
  mediaTypes: EVIDENCE_MEDIA_TYPES,
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

@ApiTags('evidence')
@Controller('v1/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** multipart/form-data, one part `file`; typed by its bytes; 413 above EVIDENCE_MAX_BYTES. */
  @Post()
  @Command()
  @Roles('monitor', 'admin', 'donor')
  @UseGuards(EvidenceUploadGuard)
  @ApiConsumes('multipart/form-data')
  @ApiJson(201, 'EvidenceFile', 'The stored file (alreadyStored: the same bytes were there before)')
  @ApiRefusals('FILE_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE')
  @ApiOperation({ summary: 'Upload an evidence file' })
  async upload(@UploadedEvidence() upload: EvidenceUpload, @CurrentPrincipal() actor: Principal) {
    const stored = await this.evidence.store(upload, actor);
    return { sha256: stored.sha256, size: stored.size, mediaType: stored.mediaType, filename: stored.filename, alreadyStored: stored.alreadyStored };
  }

  /**
   * The bytes, always as a download: `attachment`, the type found at upload, and nosniff (a
   * security header on every answer), so no stored file is ever rendered as a page.
   */
  @Get(':sha256')
  @ApiAnswers(EVIDENCE_ANSWER)
  @ApiOperation({ summary: 'Download an evidence file by its SHA-256' })
  async download(@Param('sha256') sha256: string, @Res() reply: FastifyReply): Promise<void> {
    if (!SHA256_HEX.test(sha256)) throw new InvalidInput('sha256', 'must be a lowercase hex SHA-256 (64 characters)');
    const file = await this.evidence.download(sha256);
    const type = file.mediaType.startsWith('text/') ? `${file.mediaType}; charset=utf-8` : file.mediaType;
    await reply
      .header('content-type', type)
      .header('content-disposition', contentDisposition(file.filename ?? `${file.sha256}.${EXTENSION[file.mediaType]}`))
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('x-evidence-sha256', file.sha256)
      .send(file.content);
  }
}

/** RFC 6266: an ASCII fallback name, and the exact name in RFC 5987 encoding. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7E]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
