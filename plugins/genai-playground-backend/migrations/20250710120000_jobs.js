/*
 * Blueprint GPU jobs (Kubernetes Jobs in playground environments) and their status timeline.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jobs', table => {
    table.comment(
      'Blueprint GPU jobs: a Kubernetes Job in a playground environment, kept in step with the cluster by a watch',
    );
    table
      .string('id', 32)
      .primary()
      .notNullable()
      .comment('The job id; the Kubernetes Job is named bp-<id>');
    table.string('name', 63).notNullable().comment('Display name');
    table
      .string('environment_id', 253)
      .notNullable()
      .comment('The environment (its namespace name) the job runs in');
    table
      .string('cluster', 255)
      .notNullable()
      .comment('Name of the cluster of the environment');
    table.string('namespace', 63).notNullable().comment('Namespace of the Job');
    table
      .string('kubernetes_name', 63)
      .notNullable()
      .comment('metadata.name of the Kubernetes Job');
    table
      .string('kubernetes_uid', 64)
      .nullable()
      .comment(
        'metadata.uid of the Job once the cluster accepted it; null while submitting',
      );
    table
      .string('team', 255)
      .notNullable()
      .comment("Group entity ref of the environment's team");
    table
      .string('owner', 255)
      .notNullable()
      .comment('User entity ref of whoever submitted it');
    table
      .string('cost_center', 64)
      .notNullable()
      .comment("Cost center charged (the environment's)");
    table
      .string('gpu_pool', 32)
      .notNullable()
      .comment('GPU pool: mi300x or mi355x');
    table.integer('gpus').notNullable().comment('amd.com/gpu per pod');
    table.integer('pods').notNullable().comment('Pods running at once');
    table
      .text('spec')
      .notNullable()
      .comment(
        'JSON: image, command, args, env, cpu, memoryGi, maxRuntimeHours, retries, priorityClass, queue, description',
      );
    table
      .string('status', 16)
      .notNullable()
      .comment('Pending, Running, Succeeded, Failed or Cancelled');
    table
      .string('reason', 64)
      .nullable()
      .comment(
        'Why it failed, or what it waits for (OOMKilled, ExceededQuota, ...)',
      );
    table.text('status_message').nullable().comment('The reason in words');
    table.string('submitted_at', 32).notNullable().comment('ISO time');
    table.string('updated_at', 32).notNullable().comment('ISO time');
    table
      .string('started_at', 32)
      .nullable()
      .comment('ISO time its first pod started');
    table.string('finished_at', 32).nullable().comment('ISO time it ended');
    table
      .double('gpu_seconds')
      .nullable()
      .comment(
        '(end - start) x GPUs x pods, written once, at the transition to an end status',
      );
    table
      .string('cancel_requested_by', 255)
      .nullable()
      .comment('Entity ref of who asked to cancel it');
    table
      .string('cancel_requested_at', 32)
      .nullable()
      .comment('ISO time the cancel was asked for');
    table
      .string('idempotency_key', 255)
      .nullable()
      .comment('Client key: the same key from the same owner is the same job');
    table
      .string('request_hash', 64)
      .nullable()
      .comment(
        'sha256 of the request, to refuse a key reused for another request',
      );
    table.unique(['owner', 'idempotency_key'], {
      indexName: 'jobs_owner_idempotency_key_uniq',
    });
    table.index(['environment_id', 'status'], 'jobs_environment_status_idx');
    table.index(['team'], 'jobs_team_idx');
    table.index(['status'], 'jobs_status_idx');
    table.index(['submitted_at'], 'jobs_submitted_at_idx');
  });

  await knex.schema.createTable('job_timeline', table => {
    table.comment(
      'Status timeline of jobs: each status (and waiting reason) a job went through',
    );
    table.bigIncrements('id').primary().comment('Order of the entries');
    table
      .string('job_id', 32)
      .notNullable()
      .references('id')
      .inTable('jobs')
      .onDelete('CASCADE')
      .comment('The job');
    table.string('at', 32).notNullable().comment('ISO time');
    table.string('status', 16).notNullable().comment('The status from then on');
    table.string('reason', 64).nullable().comment('The reason, if any');
    table.text('message').nullable().comment('The reason in words');
    table
      .string('actor', 255)
      .nullable()
      .comment('Entity ref of who caused it (submit, cancel)');
    table.index(['job_id'], 'job_timeline_job_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('job_timeline');
  await knex.schema.dropTable('jobs');
};
