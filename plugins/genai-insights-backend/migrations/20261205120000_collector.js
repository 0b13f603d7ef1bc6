/*
 * What keeps the ledger current: the progress of each feed of facts, the pods the cluster
 * collector has seen, and the budget notifications sent.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('feed_cursors', table => {
    table.comment(
      'Progress of each feed of facts: the playground feed and fact sources',
    );
    table
      .string('feed', 255)
      .primary()
      .comment('genai-playground, or source:<id> for a fact source');
    table
      .text('cursor')
      .nullable()
      .comment(
        'Where the next read starts: the feed cursor, or the time of the last run',
      );
    table
      .string('stale_from', 24)
      .nullable()
      .comment(
        'ISO time from which ledger hours may not reflect the facts stored: the next recompute starts there',
      );
    table.string('updated_at', 24).notNullable().comment('ISO time');
  });

  await knex.schema.createTable('cluster_pods', table => {
    table.comment(
      'Pods of playground namespaces the cluster collector has seen and reported as facts',
    );
    table.string('id', 255).primary().comment('Pod uid');
    table
      .text('fact')
      .notNullable()
      .comment('JSON: the pod interval as last reported');
    table
      .string('reported_at', 24)
      .notNullable()
      .comment('ISO time of the run that last reported it');
    table
      .string('seen_at', 24)
      .notNullable()
      .comment('ISO time the pod was last listed running');
  });

  await knex.schema.createTable('budget_notifications', table => {
    table.comment(
      'Budget thresholds notified: one notification per budget, month, threshold and amount',
    );
    table
      .string('scope', 16)
      .notNullable()
      .comment('team, cost-center or environment');
    table
      .string('subject', 255)
      .notNullable()
      .comment('Group entity ref, cost center or environment id');
    table.string('month', 7).notNullable().comment('YYYY-MM');
    table
      .string('threshold', 16)
      .notNullable()
      .comment('actual-50, actual-80, actual-100 or forecast-100');
    table
      .bigInteger('budget_micros')
      .notNullable()
      .comment('The budget when crossed: a changed budget is notified afresh');
    table.string('claimed_at', 24).notNullable().comment('ISO time');
    table
      .string('sent_at', 24)
      .nullable()
      .comment('ISO time the notification was sent; null while sending');
    table.primary(['scope', 'subject', 'month', 'threshold', 'budget_micros']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('budget_notifications');
  await knex.schema.dropTable('cluster_pods');
  await knex.schema.dropTable('feed_cursors');
};
