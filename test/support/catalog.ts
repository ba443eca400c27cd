import { Client } from 'pg';

/**
 * A database's schema as lines of text, one fact per line, each naming its object: two databases
 * hold the same schema when their lines are the same. Covers schema `public` (tables, columns with
 * their position, type, default, nullability and identity; constraints; indexes; triggers;
 * functions with their whole definition; types; sequences; privileges on all of them, default
 * privileges, comments, policies), the extensions, the roles that hold privileges, and the
 * migrations recorded. Object ids, which differ between any two databases, appear nowhere.
 */
export async function catalogLines(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const lines: string[] = [];
    for (const query of Object.values(FACTS)) {
      const { rows } = await client.query<{ line: string }>(query);
      lines.push(...rows.map((r) => r.line));
    }
    const [{ recorded }] = (await client.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS recorded`)).rows;
    if (recorded) lines.push(...(await client.query<{ line: string }>(MIGRATIONS_RECORDED)).rows.map((r) => r.line));
    return lines.sort();
  } finally {
    await client.end();
  }
}

/** What differs, readably: `- fact` only in `expected`, `+ fact` only in `actual`; [] when none. */
export function catalogDiff(expected: string[], actual: string[]): string[] {
  const inActual = new Set(actual);
  const inExpected = new Set(expected);
  return [
    ...expected.filter((l) => !inActual.has(l)).map((l) => `- ${l}`),
    ...actual.filter((l) => !inExpected.has(l)).map((l) => `+ ${l}`),
  ].sort((a, b) => a.slice(2).localeCompare(b.slice(2)) || a.localeCompare(b));
}

const WHO = `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END || ' ' || a.privilege_type
             || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END || ' (by ' || pg_get_userbyid(a.grantor) || ')'`;

const FACTS: Record<string, string> = {
  relations: `
    SELECT 'relation ' || c.relname || ': ' || c.relkind::text || ' owner ' || pg_get_userbyid(c.relowner)
           || ' persistence ' || c.relpersistence::text || coalesce(' options ' || array_to_string(c.reloptions, ','), '')
           || CASE WHEN c.relrowsecurity THEN ' row security' ELSE '' END AS line
      FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
  columns: `
    SELECT 'column ' || c.relname || '.' || a.attname
           || ' #' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)
           || ' ' || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
           || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
           || CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END
           || CASE WHEN a.attgenerated <> '' THEN ' GENERATED' ELSE '' END
           || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
           AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
       AND a.attnum > 0 AND NOT a.attisdropped`,
  constraints: `
    SELECT 'constraint ' || c.relname || '.' || k.conname || ': ' || pg_get_constraintdef(k.oid) AS line
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     WHERE c.relnamespace = 'public'::regnamespace`,
  indexes: `
    SELECT 'index ' || c.relname || '.' || i.relname || ': ' || pg_get_indexdef(i.oid) AS line
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
     WHERE c.relnamespace = 'public'::regnamespace`,
  triggers: `
    SELECT 'trigger ' || c.relname || '.' || t.tgname || ': ' || pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text AS line
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal`,
  // Line by line, numbered: a changed body shows as the lines that changed.
  functions: `
    SELECT 'function ' || p.oid::regprocedure::text || ' line ' || lpad(n::text, 3, '0') || ': ' || l AS line
      FROM pg_proc p, regexp_split_to_table(pg_get_functiondef(p.oid), E'\\n') WITH ORDINALITY AS f(l, n)
     WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p', 'w')
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure::text || ' owner ' || pg_get_userbyid(p.proowner)
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace`,
  types: `
    SELECT 'type ' || t.typname || ': ' || t.typtype::text || ' owner ' || pg_get_userbyid(t.typowner)
           || coalesce(' base ' || nullif(t.typbasetype, 0)::regtype::text, '')
           || coalesce(' labels ' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')
           AS line
      FROM pg_type t
     WHERE t.typnamespace = 'public'::regnamespace AND t.typelem = 0 AND t.typtype <> 'p'
       AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')`,
  sequences: `
    SELECT 'sequence ' || c.relname || ': ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
           || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
           || coalesce(' owned by ' || (SELECT o.relname || '.' || a.attname FROM pg_depend d
                                          JOIN pg_class o ON o.oid = d.refobjid
                                          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')), '')
           AS line
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
     WHERE c.relnamespace = 'public'::regnamespace`,
  relationGrants: `
    SELECT 'grant on ' || c.relname || ': ' || ${WHO} AS line
      FROM pg_class c,
           aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) AS a
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
  columnGrants: `
    SELECT 'grant on column ' || c.relname || '.' || att.attname || ': ' || ${WHO} AS line
      FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, aclexplode(att.attacl) AS a
     WHERE c.relnamespace = 'public'::regnamespace AND att.attacl IS NOT NULL`,
  functionGrants: `
    SELECT 'grant on function ' || p.oid::regprocedure::text || ': ' || ${WHO} AS line
      FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS a
     WHERE p.pronamespace = 'public'::regnamespace`,
  typeGrants: `
    SELECT 'grant on type ' || t.typname || ': ' || ${WHO} AS line
      FROM pg_type t, aclexplode(t.typacl) AS a
     WHERE t.typnamespace = 'public'::regnamespace AND t.typacl IS NOT NULL`,
  schemaGrants: `
    SELECT 'grant on schema public: ' || ${WHO} AS line
      FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) AS a
     WHERE n.nspname = 'public'`,
  defaultPrivileges: `
    SELECT 'default privilege of ' || pg_get_userbyid(d.defaclrole) || coalesce(' in ' || d.defaclnamespace::regnamespace::text, '')
           || ' on ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                             WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END || ': ' || ${WHO} AS line
      FROM pg_default_acl d, aclexplode(d.defaclacl) AS a`,
  policies: `
    SELECT 'policy ' || tablename || '.' || policyname || ': ' || cmd || ' ' || array_to_string(roles, ',')
           || coalesce(' using ' || qual, '') || coalesce(' check ' || with_check, '') AS line
      FROM pg_policies WHERE schemaname = 'public'`,
  comments: `
    SELECT 'comment on ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': ' || d.description AS line
      FROM pg_description d
     WHERE (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace))
        OR (d.classoid = 'pg_proc'::regclass AND d.objoid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'public'::regnamespace))
        OR (d.classoid = 'pg_type'::regclass AND d.objoid IN (SELECT oid FROM pg_type WHERE typnamespace = 'public'::regnamespace))`,
  extensions: `SELECT 'extension ' || extname || ' ' || extversion AS line FROM pg_extension`,
  // Cluster-wide, so the same for any two databases of one server; listed so a diff names them.
  roles: `
    SELECT 'role ' || r.rolname || ':' || CASE WHEN r.rolcanlogin THEN ' login' ELSE ' nologin' END
           || CASE WHEN r.rolsuper THEN ' superuser' ELSE '' END || CASE WHEN r.rolcreaterole THEN ' createrole' ELSE '' END
           || CASE WHEN r.rolinherit THEN '' ELSE ' noinherit' END || CASE WHEN r.rolbypassrls THEN ' bypassrls' ELSE '' END AS line
      FROM pg_roles r WHERE r.rolname = 'aid_escrow_app'`,
};

const MIGRATIONS_RECORDED = `SELECT 'migration recorded: ' || name || ' (' || "timestamp" || ')' AS line FROM migrations`;
