/*
 * Idle GPUs as facts of the ledger: GPU utilization's idle episodes, as the collector stored
 * them, so that the ledger's used basis leaves out GPUs held but idle.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('idle_gpu_intervals', table => {
    table.comment(
      'Idle GPU episodes for the used basis: one row per episode, open while end is null',
    );
    table.string('id', 64).primary().comment('Idle episode id');
    table
      .string('environment_id', 253)
      .notNullable()
      .comment('The pod namespace');
    table.string('team', 255).nullable();
    table.string('pool', 63).notNullable();
    table.double('gpus').notNullable();
    table.string('start', 24).notNullable().comment('ISO time it went idle');
    table
      .string('end', 24)
      .nullable()
      .comment('ISO time last seen idle; null while open');
    table.index(['start'], 'idle_gpu_intervals_start_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('idle_gpu_intervals');
};
