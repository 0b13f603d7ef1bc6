/*
 * A create that takes over an old failed or deleted record of the same namespace keeps that
 * record here until it finishes, so that a create which loses a check after its claim can put the
 * old record back as it was (its history hangs off the same id) instead of deleting it.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table
      .text('claimed_over')
      .nullable()
      .comment(
        'JSON of the record a create in progress took over (status failed or deleted); null otherwise',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropColumn('claimed_over');
  });
};
