/*
 * The usage report (GET /usage) aggregates a team's calls over a period: with the index on
 * (team, at) alone PostgreSQL visits a heap page for nearly every call, since the calls of one
 * team are spread over the table (20,000 calls: 4,875 pages, ~30 ms). This index carries the
 * columns the report sums and groups by, so the report is an index-only scan (~13 ms). It
 * replaces the plain (team, at) index, which serves nothing it does not.
 *
 * PostgreSQL only (INCLUDE); SQLite keeps the plain index. Built CONCURRENTLY, outside a
 * transaction, so that the gateway's usage inserts are not blocked while a large table is
 * indexed at upgrade.
 */

// @ts-check

exports.config = { transaction: false };

const COVER = 'usage_records_team_at_cover_idx';
const PLAIN = 'usage_records_team_at_idx';

/** @param {import('knex').Knex} knex */
const isPostgres = knex => knex.client.config.client === 'pg';

/**
 * A concurrent build that failed (a crash, a cancel) leaves an invalid index behind, which
 * IF NOT EXISTS would then keep: it is dropped so that the next run builds it again.
 *
 * @param {import('knex').Knex} knex
 * @param {string} name
 */
async function dropIfInvalid(knex, name) {
  const { rows } = await knex.raw(
    `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname = ? AND pg_table_is_visible(c.oid)`,
    [name],
  );
  if (rows.length > 0 && !rows[0].indisvalid) {
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  }
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!isPostgres(knex)) return;
  await dropIfInvalid(knex, COVER);
  await knex.raw(
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${COVER} ON usage_records (team, at)
       INCLUDE (status, input_tokens, output_tokens, cost, latency_ms, key_id, model,
         environment_id)`,
  );
  await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${PLAIN}`);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (!isPostgres(knex)) return;
  await dropIfInvalid(knex, PLAIN);
  await knex.raw(
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${PLAIN} ON usage_records (team, at)`,
  );
  await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${COVER}`);
};
