/**
 * What an evidence file is, decided from its bytes alone (API.md, "Evidence files"): the name and
 * the Content-Type an uploader sends are claims, and a file that a browser could render as a page
 * (HTML, XML, SVG) must never be served back as one.
 */
export const EVIDENCE_MEDIA_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'text/plain', 'text/csv'] as const;
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number];

export type Sniffed = { mediaType: EvidenceMediaType } | { refused: string };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PDF = Buffer.from('%PDF-', 'latin1');
const UTF8_BOM = '\uFEFF';

/** Text may hold tabs, line breaks and form feeds; any other control character makes it binary. */
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/;
/**
 * Markup a browser would interpret: text that opens with a tag, or names one of the elements that
 * run or embed content anywhere. Plain prose and tables have no reason to carry these.
 */
const OPENS_WITH_TAG = /^\s*</;
const ACTIVE_MARKUP = /<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|object|embed|style|meta|link|math|xml|template|form|img|a\s)/i;

export function sniffMediaType(bytes: Buffer): Sniffed {
  if (startsWith(bytes, PDF)) return { mediaType: 'application/pdf' };
  if (startsWith(bytes, PNG)) return { mediaType: 'image/png' };
  if (startsWith(bytes, JPEG)) return { mediaType: 'image/jpeg' };
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return { mediaType: 'image/webp' };
  return sniffText(bytes);
}

function sniffText(bytes: Buffer): Sniffed {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { refused: 'is neither PDF, PNG, JPEG, WebP nor UTF-8 text' };
  }
  if (text.startsWith(UTF8_BOM)) text = text.slice(1);
  if (CONTROL.test(text)) return { refused: 'is binary data (control characters), neither PDF, PNG, JPEG, WebP nor plain text' };
  if (OPENS_WITH_TAG.test(text) || ACTIVE_MARKUP.test(text)) return { refused: 'is markup (HTML, XML or SVG), which is never accepted as evidence' };
  return { mediaType: isCsv(text) ? 'text/csv' : 'text/plain' };
}

/**
 * RFC 4180 records: at least two, every one with the same number (two or more) of fields, quotes
 * balanced. Anything else that is text is plain text.
 */
export function isCsv(text: string): boolean {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let atFieldStart = true;
  let recordHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (c === '"') {
      if (!atFieldStart) return false;
      quoted = true;
      atFieldStart = false;
      recordHasContent = true;
    } else if (c === ',') {
      fields++;
      atFieldStart = true;
      recordHasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (recordHasContent) counts.push(fields);
      fields = 1;
      atFieldStart = true;
      recordHasContent = false;
    } else {
      atFieldStart = false;
      recordHasContent = true;
    }
  }
  if (quoted) return false;
  if (recordHasContent) counts.push(fields);
  return counts.length >= 2 && counts[0] >= 2 && counts.every((n) => n === counts[0]);
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

/** The extension a download without a name gets. */
export const EXTENSION: Record<EvidenceMediaType, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'text/plain': 'txt',
  'text/csv': 'csv',
};
