/*
 * Compliance history: one snapshot a day of the scorecards (the day's last evaluation, waivers
 * applied), for the trend of the platform, each team, cost center and environment, and of each
 * check per team. Days are UTC `YYYY-MM-DD` strings: they sort and compare as text on both
 * engines. (Comments hold no apostrophe: knex does not escape them in PostgreSQL's COMMENT.)
 *
 * Indexes: every read of the page is one kind, one or more names and a range of days, which is
 * the primary keys' prefix (kind, name) then day; a year of 500 environments is ~183,000 score
 * rows, and one environment's year is 366 of them read from the key. The purge deletes by day
 * alone, hence an index on day in each table.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_daily_scores', table => {
    table.comment(
      'One day compliance score of the platform, a team, a cost center or an environment',
    );
    table.string('day', 10).notNullable().comment('YYYY-MM-DD, UTC');
    table
      .string('kind', 16)
      .notNullable()
      .comment('platform, team, cost-center or environment');
    table
      .string('name', 255)
      .notNullable()
      .comment(
        'Group ref, cost center or namespace; platform for the platform',
      );
    table
      .string('team', 255)
      .nullable()
      .comment(
        'The team of an environment that day (group ref): whom its history is for',
      );
    table
      .double('percent')
      .nullable()
      .comment('Weighted share passed, 0 to 100; null when no check applied');
    table.integer('passed_weight').notNullable();
    table.integer('applicable_weight').notNullable();
    table.integer('passed').notNullable();
    table.integer('failed').notNullable();
    table.integer('errored').notNullable();
    table.integer('waived').notNullable();
    table.integer('not_applicable').notNullable();
    table
      .string('level', 255)
      .nullable()
      .comment('The highest level of an environment that day; null: none');
    table.primary(['kind', 'name', 'day'], 'compliance_daily_scores_pkey');
    table.index(['day'], 'compliance_daily_scores_day_idx');
  });

  await knex.schema.createTable('compliance_daily_checks', table => {
    table.comment(
      'One day results of one check over the environments of the platform or a team',
    );
    table.string('day', 10).notNullable().comment('YYYY-MM-DD, UTC');
    table.string('kind', 16).notNullable().comment('platform or team');
    table
      .string('name', 255)
      .notNullable()
      .comment('Group ref; platform for the platform');
    table.string('check_id', 255).notNullable();
    table.integer('passed').notNullable();
    table.integer('failed').notNullable();
    table.integer('errored').notNullable();
    table.integer('waived').notNullable();
    table.integer('not_applicable').notNullable();
    table.primary(
      ['kind', 'name', 'check_id', 'day'],
      'compliance_daily_checks_pkey',
    );
    table.index(['day'], 'compliance_daily_checks_day_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_daily_checks');
  await knex.schema.dropTable('compliance_daily_scores');
};
