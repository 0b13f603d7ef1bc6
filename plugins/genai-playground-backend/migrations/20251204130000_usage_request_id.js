/*
 * Each metered call keeps the id the gateway answered with (`x-request-id`), so that a call a
 * user reports can be found, and matched with the model server's log (the id is sent on).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('usage_records', table => {
    table
      .string('request_id', 128)
      .nullable()
      .comment('The x-request-id of the call (the client may choose it)');
    table.index(['request_id'], 'usage_records_request_id_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('usage_records', table => {
    table.dropIndex(['request_id'], 'usage_records_request_id_idx');
    table.dropColumn('request_id');
  });
};
