/*
 * The hourly cost ledger and the budgets set by leads.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ledger_rows', table => {
    table.comment(
      'Hourly cost: one row per hour, environment, team, cost center, pool, category, unit, model, basis and capacity',
    );
    table.bigIncrements('id').comment('Row id; exports page by it');
    table
      .string('hour', 24)
      .notNullable()
      .comment('ISO time of the start of the hour (UTC)');
    table
      .string('week', 10)
      .notNullable()
      .comment('YYYY-MM-DD of the Monday of the hour week, for weekly sums');
    table
      .string('environment', 253)
      .notNullable()
      .comment("Environment id (namespace); '' when none");
    table.string('team', 255).notNullable().comment('Group entity ref');
    table.string('cost_center', 64).notNullable().comment("'' when unknown");
    table.string('pool', 32).notNullable().comment("GPU pool; '' when unknown");
    table
      .string('category', 16)
      .notNullable()
      .comment('gpu, cpu, memory, storage or tokens');
    table
      .string('unit', 16)
      .notNullable()
      .comment('gpu-hours, core-hours, gib-hours, input-tokens, output-tokens');
    table
      .string('model', 255)
      .notNullable()
      .comment("Model for tokens, else ''");
    table.string('basis', 16).notNullable().comment('reserved or used');
    table.string('capacity', 16).notNullable().comment('on-demand or spot');
    table.double('quantity').notNullable().comment('Amount in unit');
    table
      .bigInteger('rate_micros')
      .notNullable()
      .comment('Price of rate_per units, in micros of the currency');
    table
      .integer('rate_per')
      .notNullable()
      .comment('Units the rate buys: 1, 730 (GiB-month) or 1000000 (tokens)');
    table
      .bigInteger('cost_micros')
      .notNullable()
      .comment('Cost in micros of the currency, rounded once');
    table.unique(
      [
        'hour',
        'environment',
        'team',
        'cost_center',
        'pool',
        'category',
        'unit',
        'model',
        'basis',
        'capacity',
      ],
      { indexName: 'ledger_rows_key_idx' },
    );
    table.index(['team', 'hour'], 'ledger_rows_team_hour_idx');
    table.index(['environment', 'hour'], 'ledger_rows_environment_hour_idx');
  });

  await knex.schema.createTable('budgets', table => {
    table.comment('Monthly budgets of teams and cost centers, set by leads');
    table.string('scope', 16).notNullable().comment('team or cost-center');
    table
      .string('subject', 255)
      .notNullable()
      .comment('Group entity ref or cost center');
    table
      .bigInteger('monthly_micros')
      .notNullable()
      .comment('Budget per calendar month in micros of the currency');
    table.string('currency', 8).notNullable();
    table.string('updated_by', 255).notNullable().comment('Entity ref');
    table.string('updated_at', 24).notNullable().comment('ISO time');
    table.primary(['scope', 'subject']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('budgets');
  await knex.schema.dropTable('ledger_rows');
};
