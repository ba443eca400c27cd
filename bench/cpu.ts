import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function stat(pid: number): { ppid: number; cpuMs: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms) one process used so far. */
export function processCpuMs(pid: number): number {
  return stat(pid)?.cpuMs ?? 0;
}

/** CPU time (ms) of each live child of `pid`: for the postmaster, its backends and workers. */
export function childrenCpuMs(pid: number): Map<number, number> {
  const children = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s?.ppid === pid) children.set(Number(entry), s.cpuMs);
  }
  return children;
}

/**
 * CPU the children used between two samples: per process, so a child that exits in between
 * (a backend, an autovacuum worker) loses only its own share instead of making the sum negative.
 */
export function childrenCpuDeltaMs(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpuMs] of after) total += cpuMs - (before.get(pid) ?? 0);
  return total;
}

/** The PostgreSQL postmaster's pid when the server runs on this machine, else undefined. */
export async function postmasterPid(url: string): Promise<number | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
    return stat(pid)?.ppid;
  } finally {
    await client.end();
  }
}
