/*
 * Idle GPUs: a held GPU whose activity stayed under the idle threshold for the window is an
 * episode, from when it went idle until it is busy again or its pod lets it go. Kept so that
 * the idle list is cheap to read and each episode is notified once, across restarts and
 * replicas.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_idle_episodes', table => {
    table.comment(
      'Held GPUs found idle: one row per GPU, pod and episode, open while ended_at is null',
    );
    table.bigIncrements('id').comment('Episode id');
    table.string('node', 253).notNullable().comment('Node name');
    table
      .integer('gpu_id')
      .notNullable()
      .comment("The exporter's gpu_id on the node");
    table.string('pool', 63).notNullable().comment('The node GPU pool');
    table.string('namespace', 63).notNullable();
    table.string('pod', 253).notNullable();
    table.string('pod_uid', 64).notNullable();
    table.string('kind', 16).notNullable().comment('job, inference or other');
    table.string('team', 255).nullable().comment('Group entity ref');
    table.string('environment', 253).nullable().comment('Environment id');
    table.string('owner', 255).nullable().comment('User entity ref');
    table.string('job_id', 255).nullable();
    table
      .string('model', 255)
      .nullable()
      .comment('The inference server name, for model servers');
    table
      .string('since', 24)
      .notNullable()
      .comment('ISO time the GPU went idle (its first idle sample)');
    table
      .string('last_seen', 24)
      .notNullable()
      .comment('ISO time of the last scan that found it idle');
    table
      .string('ended_at', 24)
      .nullable()
      .comment('ISO time of the scan that found it busy or let go');
    table
      .string('notified_at', 24)
      .nullable()
      .comment('ISO time the owner and leads were told; null until then');
    table
      .bigInteger('gpu_hour_micros')
      .notNullable()
      .comment('The pool GPU-hour price when the episode opened, in micros');
    // One open episode per GPU and pod: replicas scanning at once cannot open two.
    table.unique(['node', 'gpu_id', 'pod_uid'], {
      indexName: 'gpu_idle_episodes_open_key',
      predicate: knex.whereNull('ended_at'),
    });
    table.index(['team', 'since'], 'gpu_idle_episodes_open_team_idx', {
      predicate: knex.whereNull('ended_at'),
    });
    table.index(['pod_uid'], 'gpu_idle_episodes_pod_idx');
    table.index(['ended_at'], 'gpu_idle_episodes_ended_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_idle_episodes');
};
