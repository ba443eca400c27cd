import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { COMMAND_KEY } from '../../src/common/http/command.decorator';
import { Database } from '../../src/database/database';
import { startTestApp, TestApp } from '../support/test-app';

describe('the unit of work', () => {
  let t: TestApp;
  let database: Database;

  beforeAll(async () => {
    t = await startTestApp();
    database = t.app.get(Database);
    await t.dataSource.query(`CREATE TABLE uow_probe (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`);
    await t.dataSource.query(`INSERT INTO uow_probe (id) VALUES (1), (2)`);
  });
  afterAll(() => t.close());

  it('makes every route that is not a read a @Command, whatever its verb', () => {
    const routes: { route: string; command: boolean }[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const prototype = (wrapper.metatype as { prototype?: object } | undefined)?.prototype;
        if (!prototype) continue;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = (prototype as Record<string, unknown>)[name];
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
          if (method === RequestMethod.GET || method === RequestMethod.HEAD) continue;
          routes.push({ route: `${RequestMethod[method]} ${wrapper.name}.${name}`, command: Reflect.getMetadata(COMMAND_KEY, handler) !== undefined });
        }
      }
    }
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => !r.command).map((r) => r.route)).toEqual([]);
  });

  it('refuses a write outside a transaction, and from work left running after its transaction ended', async () => {
    expect(() => database.writer).toThrow(/outside a transaction/);
    let stray: Promise<unknown> | undefined;
    await database.transaction(async (manager) => {
      expect(database.writer).toBe(manager);
      await database.writer.query(`UPDATE uow_probe SET n = n + 1 WHERE id = 1`);
      stray = new Promise((resolve) => setTimeout(resolve, 20)).then(() => database.writer);
    });
    await expect(stray).rejects.toThrow(/outside a transaction/);
    const [{ n }] = await t.dataSource.query(`SELECT n FROM uow_probe WHERE id = 1`);
    expect(n).toBe(1);
  });

  it('joins an open transaction instead of opening a second one, and rolls back as one', async () => {
    await expect(
      database.transaction(async () => {
        await database.writer.query(`UPDATE uow_probe SET n = n + 10 WHERE id = 2`);
        await database.transaction(async (inner) => {
          const [{ pid }] = await inner.query(`SELECT pg_backend_pid() AS pid`);
          const [{ outer }] = await database.writer.query(`SELECT pg_backend_pid() AS outer`);
          expect(pid).toBe(outer);
        });
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    const [{ n }] = await t.dataSource.query(`SELECT n FROM uow_probe WHERE id = 2`);
    expect(n).toBe(0);
  });

  it('runs a unit of work again after a deadlock, so both sides of it succeed', async () => {
    const attempts = { a: 0, b: 0 };
    let arrived = 0;
    const bothHoldOneLock = () =>
      new Promise<void>((resolve) => {
        arrived++;
        const wait = () => (arrived >= 2 ? resolve() : setTimeout(wait, 5));
        wait();
      });
    const crosswise = (name: 'a' | 'b', first: number, second: number) =>
      database.transaction(async (manager) => {
        attempts[name]++;
        await manager.query(`UPDATE uow_probe SET n = n + 1 WHERE id = $1`, [first]);
        if (attempts[name] === 1) await bothHoldOneLock();
        await manager.query(`UPDATE uow_probe SET n = n + 1 WHERE id = $1`, [second]);
      });
    const [before] = await t.dataSource.query(`SELECT sum(n)::int AS total FROM uow_probe`);
    await Promise.all([crosswise('a', 1, 2), crosswise('b', 2, 1)]);
    expect(attempts.a + attempts.b).toBe(3); // PostgreSQL chose one victim; it ran twice
    const [after] = await t.dataSource.query(`SELECT sum(n)::int AS total FROM uow_probe`);
    expect(after.total - before.total).toBe(4);
  });

  it('reads one moment in a snapshot, whatever commits meanwhile', async () => {
    const counts = await database.snapshot(async (snapshot) => {
      const [first, other] = await snapshot.query<{ n: number }>(`SELECT n FROM uow_probe ORDER BY id`);
      await t.dataSource.query(`UPDATE uow_probe SET n = n + 100 WHERE id = 1`);
      const [second] = await snapshot.query<{ n: number }>(`SELECT n FROM uow_probe WHERE id = 1`);
      const batches: unknown[][] = [];
      for await (const batch of snapshot.cursor<unknown[]>(`SELECT id, n FROM uow_probe ORDER BY id`, [], { batchSize: 1, raw: true })) batches.push(batch);
      return { first: first.n, other: other.n, second: second.n, batches };
    });
    expect(counts.second).toBe(counts.first);
    expect(counts.batches).toEqual([[['1', String(counts.first)]], [['2', String(counts.other)]]]);
  });
});
