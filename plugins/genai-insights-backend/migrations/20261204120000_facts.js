/*
 * The facts the ledger is computed from, as the playground's feed delivers them. Each fact has
 * a stable id, so a fact delivered twice is stored once.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environment_events', table => {
    table.comment('Lifecycle events of playground environments');
    table.string('id', 255).primary().comment('Unique id of the event');
    table
      .string('environment_id', 253)
      .notNullable()
      .comment('Environment id (its namespace)');
    table
      .string('type', 16)
      .notNullable()
      .comment('created, extended, resized or deleted');
    table.string('team', 255).notNullable().comment('Group entity ref');
    table.string('cost_center', 64).notNullable().comment('Cost center');
    table.string('pool', 32).notNullable().comment('GPU pool');
    table.double('gpus').notNullable().comment('Quota from this event: GPUs');
    table.double('cpu').notNullable().comment('Quota: CPU cores');
    table.double('memory_gi').notNullable().comment('Quota: memory GiB');
    table.double('storage_gi').notNullable().comment('Quota: storage GiB');
    table
      .bigInteger('monthly_budget_micros')
      .nullable()
      .comment('The environment monthly budget in micros of the currency');
    table.string('at', 24).notNullable().comment('ISO time of the event');
    table.index(['environment_id', 'at'], 'environment_events_env_at_idx');
    table.index(['at'], 'environment_events_at_idx');
  });

  await knex.schema.createTable('job_gpu_records', table => {
    table.comment('GPU jobs and the time their GPUs ran');
    table.string('job_id', 255).primary().comment('Job id');
    table.string('environment_id', 253).notNullable();
    table.string('team', 255).notNullable();
    table.string('cost_center', 64).notNullable();
    table.string('pool', 32).notNullable();
    table.double('gpus').notNullable().comment('GPUs the job held');
    table
      .string('start', 24)
      .notNullable()
      .comment('ISO time the GPUs started');
    table
      .string('end', 24)
      .nullable()
      .comment('ISO time the GPUs were released; null while running');
    table
      .text('node_labels')
      .nullable()
      .comment('JSON: labels of the node (spot or on-demand)');
    table.index(['start'], 'job_gpu_records_start_idx');
  });

  await knex.schema.createTable('pod_intervals', table => {
    table.comment('Requests of pods other than jobs while they ran');
    table.string('id', 255).primary().comment('Pod uid');
    table.string('environment_id', 253).notNullable();
    table.string('team', 255).notNullable();
    table.string('cost_center', 64).notNullable();
    table.string('pool', 32).notNullable();
    table.double('gpus').notNullable();
    table.double('cpu').notNullable().comment('CPU cores requested');
    table.double('memory_gi').notNullable().comment('Memory GiB requested');
    table.string('start', 24).notNullable();
    table.string('end', 24).nullable().comment('Null while running');
    table.text('node_labels').nullable().comment('JSON: labels of the node');
    table.index(['start'], 'pod_intervals_start_idx');
  });

  await knex.schema.createTable('token_usage', table => {
    table.comment('Tokens of metered gateway calls');
    table.string('id', 255).primary().comment('Id of the call');
    table.string('environment_id', 253).nullable();
    table.string('team', 255).notNullable();
    table.string('cost_center', 64).nullable();
    table.string('pool', 32).nullable();
    table.string('key_id', 255).nullable().comment('API key id, for key calls');
    table.string('user_ref', 255).nullable().comment('User, for user calls');
    table.string('model', 255).notNullable();
    table.bigInteger('input_tokens').notNullable();
    table.bigInteger('output_tokens').notNullable();
    table.string('at', 24).notNullable().comment('ISO time of the call');
    table.index(['at'], 'token_usage_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('token_usage');
  await knex.schema.dropTable('pod_intervals');
  await knex.schema.dropTable('job_gpu_records');
  await knex.schema.dropTable('environment_events');
};
