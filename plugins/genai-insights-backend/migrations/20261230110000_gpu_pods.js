/*
 * Who held GPUs: every pod GPU utilization saw holding GPUs, with its team, environment, owner,
 * job or model. Prometheus's series name only the namespace and the pod; this is how a week-old
 * series of a pod long gone is still counted to its team, environment, job and model.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_pods', table => {
    table.comment('Pods seen holding GPUs, with what they belonged to');
    table.string('namespace', 253).notNullable();
    table.string('pod', 253).notNullable();
    table.string('kind', 16).notNullable().comment('job, inference or other');
    table.string('team', 255).nullable().comment('Group ref');
    table.string('environment', 253).nullable();
    table.string('owner', 255).nullable().comment('User ref');
    table.string('job_id', 64).nullable();
    table.string('model', 253).nullable().comment('The inference server');
    table.string('pool', 63).notNullable();
    table.integer('gpus').notNullable();
    table.string('first_seen', 30).notNullable().comment('ISO time');
    table.string('last_seen', 30).notNullable().comment('ISO time');
    table.primary(['namespace', 'pod']);
    table.index(['team', 'last_seen'], 'gpu_pods_team_idx');
    table.index(['environment'], 'gpu_pods_environment_idx');
    table.index(['job_id'], 'gpu_pods_job_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_pods');
};
