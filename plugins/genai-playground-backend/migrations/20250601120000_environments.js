/*
 * Playground environments and their history.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments', table => {
    table.comment(
      'Playground environments: a namespace on a cluster with a quota and a lease',
    );
    table
      .string('id', 253)
      .primary()
      .notNullable()
      .comment('The environment id: its namespace name');
    table
      .string('cluster', 255)
      .notNullable()
      .comment('Name of the cluster the namespace is on');
    table
      .string('namespace', 63)
      .notNullable()
      .comment('Namespace name: <team>-<name>');
    table
      .string('name', 63)
      .notNullable()
      .comment('Environment name, unique within the team');
    table
      .string('team', 255)
      .notNullable()
      .comment('Group entity ref of the owning team');
    table
      .string('owner', 255)
      .notNullable()
      .comment('User entity ref of whoever created it');
    table
      .string('gpu_pool', 32)
      .notNullable()
      .comment('GPU pool: mi355x or mi300x');
    table
      .text('quota')
      .notNullable()
      .comment(
        'JSON: the quota the environment was sized with (gpus, cpu, memoryGi, ...)',
      );
    table
      .string('cost_center', 64)
      .notNullable()
      .comment('Cost center charged');
    table
      .double('monthly_budget')
      .nullable()
      .comment('Monthly budget in currency');
    table.string('currency', 8).notNullable().comment('Currency of the budget');
    table.string('data_classification', 32).notNullable();
    table.string('security_level', 32).notNullable();
    table.text('description').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('creating, ready, failed, deleting or deleted');
    table.text('status_message').nullable().comment('Why creation failed');
    table.string('created_at', 32).notNullable().comment('ISO time');
    table.string('updated_at', 32).notNullable().comment('ISO time');
    table
      .string('expires_at', 32)
      .notNullable()
      .comment('ISO time the lease ends');
    table.string('deleted_at', 32).nullable().comment('ISO time of deletion');
    table
      .string('expiry_notified_at', 32)
      .nullable()
      .comment(
        'ISO time the owner was told of the coming expiry (reset by an extend)',
      );
    table
      .string('lock_token', 64)
      .nullable()
      .comment(
        'Who is creating the environment right now (one create at a time)',
      );
    table
      .string('lock_expires_at', 32)
      .nullable()
      .comment(
        'ISO time the create lock lapses (a crashed create can then be retried)',
      );
    table.unique(['cluster', 'namespace'], {
      indexName: 'environments_cluster_namespace_uniq',
    });
    table.index(['team'], 'environments_team_idx');
    table.index(['status', 'expires_at'], 'environments_status_expires_idx');
  });

  await knex.schema.createTable('environment_events', table => {
    table.comment(
      'History of environments: created, extended, deleted, expired, notified',
    );
    table.bigIncrements('id').primary().comment('Order of the events');
    table
      .string('environment_id', 253)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE')
      .comment('The environment');
    table
      .string('action', 32)
      .notNullable()
      .comment('create, extend, delete, expire, notify-expiry or fail');
    table
      .string('actor', 255)
      .notNullable()
      .comment('Entity ref of who did it, or genai-playground:lease');
    table.string('at', 32).notNullable().comment('ISO time');
    table.text('details').nullable().comment('JSON details');
    table.index(['environment_id'], 'environment_events_environment_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environment_events');
  await knex.schema.dropTable('environments');
};
