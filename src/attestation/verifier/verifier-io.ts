import { readFileSync } from 'node:fs';

/** What the outside verifier's checks share: its report lines, its inputs (files or the service's public endpoints). */

export interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

/** Records a check; returns whether it passed. */
export type Recorder = (check: string, ok: boolean, detail: string) => boolean;

export class UsageError extends Error {}

export type FetchJson = (url: string) => Promise<unknown>;
export type FetchText = (url: string) => Promise<string>;

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read JSON from ${path}: ${(error as Error).message}`);
  }
}

export async function httpJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = (body as { message?: string } | undefined)?.message ?? response.statusText;
    throw new UsageError(`GET ${url} answered ${response.status}: ${message}`);
  }
  return body;
}

export async function httpText(url: string): Promise<string> {
  const response = await fetch(url, { headers: { accept: 'text/plain' }, signal: AbortSignal.timeout(30_000) });
  const body = await response.text();
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      // not a JSON error
    }
    throw new UsageError(`GET ${url} answered ${response.status}: ${message}`);
  }
  return body;
}
