/*
 * Each metered call gets an id of its own when it is recorded, unique in the table, so that a
 * record written twice (a replica wrote it and died before acknowledging it in the Redis stream,
 * and another replica claimed and wrote it again) is kept once. The call's request id cannot be
 * the key: a client may choose it, and could then have calls metered once for many.
 * Rows from before have no id (null), and nulls never collide, so no existing row conflicts.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('usage_records', table => {
    table
      .string('record_id', 36)
      .nullable()
      .comment('Id the gateway gave the record; written once');
    table.unique(['record_id'], { indexName: 'usage_records_record_id_uq' });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('usage_records', table => {
    table.dropUnique(['record_id'], 'usage_records_record_id_uq');
    table.dropColumn('record_id');
  });
};
