/*
 * An environment's id is its namespace, <team>-<name>, so a name deleted and created again gets
 * the same id. Each incarnation gets a uid of its own; history and jobs carry the uid of the
 * incarnation they belong to, so a new incarnation never shows the old one's history or jobs.
 * Existing rows get the uid of the current incarnation when they came after its creation.
 */

// @ts-check

const { randomUUID } = require('node:crypto');

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table
      .string('uid', 36)
      .nullable()
      .comment('This incarnation of the environment: new at each create');
  });
  await knex.schema.alterTable('environment_events', table => {
    table
      .string('environment_uid', 36)
      .nullable()
      .comment('The incarnation of the environment the event belongs to');
  });
  await knex.schema.alterTable('jobs', table => {
    table
      .string('environment_uid', 36)
      .nullable()
      .comment('The incarnation of the environment the job was submitted to');
  });
  const environments = await knex('environments').select('id', 'created_at');
  for (const env of environments) {
    const uid = randomUUID();
    await knex('environments').where({ id: env.id }).update({ uid });
    await knex('environment_events')
      .where({ environment_id: env.id })
      .andWhere('at', '>=', env.created_at)
      .update({ environment_uid: uid });
    await knex('jobs')
      .where({ environment_id: env.id })
      .andWhere('submitted_at', '>=', env.created_at)
      .update({ environment_uid: uid });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jobs', table => {
    table.dropColumn('environment_uid');
  });
  await knex.schema.alterTable('environment_events', table => {
    table.dropColumn('environment_uid');
  });
  await knex.schema.alterTable('environments', table => {
    table.dropColumn('uid');
  });
};
