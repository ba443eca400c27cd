import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organization is identified by its id, not its name: API.md's `POST /v1/organizations`
 * answers 201 for any valid name, and two bodies may well share one (two branches of one
 * relief society). The CLI's `--org NAME` still finds an organization by name: the oldest
 * one so named (see PrincipalsRepository.findOrCreateOrganizationNamed), hence the index.
 */
export class OrganizationNamesNotUnique1764000004000 implements MigrationInterface {
  name = 'OrganizationNamesNotUnique1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organizations DROP CONSTRAINT organizations_name_key;
      CREATE INDEX organizations_name ON organizations (name, created_at, id);
    `);
  }

  /** Fails, changing nothing, once two organizations share a name: rename one first. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX organizations_name;
      ALTER TABLE organizations ADD CONSTRAINT organizations_name_key UNIQUE (name);
    `);
  }
}
