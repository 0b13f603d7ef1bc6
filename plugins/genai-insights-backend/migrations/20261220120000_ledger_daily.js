/*
 * The ledger summed per day, for the dashboards: ledger_rows summed per day, environment, team,
 * cost center, pool, category, model and basis (units and capacities together), kept by
 * replaceHours in the transaction that replaces the hours, so the two tables always agree.
 * Queries read whole days from here and only the hours at the edges of a range from
 * ledger_rows: a month of a team is a few thousand rows instead of a hundred thousand. And each
 * day's first and last row id, where an export starts and ends.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ledger_daily', table => {
    table.comment(
      'ledger_rows summed per day, environment, team, cost center, pool, category, model and basis',
    );
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table
      .string('week', 10)
      .notNullable()
      .comment('YYYY-MM-DD of the Monday of the day week');
    table.string('environment', 253).notNullable();
    table.string('team', 255).notNullable();
    table.string('cost_center', 64).notNullable();
    table.string('pool', 32).notNullable();
    table.string('category', 16).notNullable();
    table.string('model', 255).notNullable();
    table.string('basis', 16).notNullable();
    table
      .double('quantity')
      .notNullable()
      .comment('Sum of the quantities (the units of a category together)');
    table
      .bigInteger('cost_micros')
      .notNullable()
      .comment('Sum of the rows costs, in micros of the currency');
    table
      .integer('row_count')
      .notNullable()
      .comment('How many ledger rows the sums hold');
    table.unique(
      [
        'day',
        'environment',
        'team',
        'cost_center',
        'pool',
        'category',
        'model',
        'basis',
      ],
      { indexName: 'ledger_daily_key_idx' },
    );
    table.index(['team', 'day'], 'ledger_daily_team_day_idx');
    table.index(['environment', 'day'], 'ledger_daily_environment_day_idx');
    // A cost center's budget reads its days' cost from this index alone.
    table.index(
      ['cost_center', 'basis', 'day', 'cost_micros'],
      'ledger_daily_cost_center_idx',
    );
  });

  // The rows already in the ledger, in day and team order as replaceHours writes them.
  await knex.raw(`
    INSERT INTO ledger_daily (day, week, environment, team, cost_center, pool, category, model,
      basis, quantity, cost_micros, row_count)
    SELECT substr(hour, 1, 10) AS day, week, environment, team, cost_center, pool, category,
      model, basis, sum(quantity), sum(cost_micros), count(*)
    FROM ledger_rows
    GROUP BY substr(hour, 1, 10), week, environment, team, cost_center, pool, category, model,
      basis
    ORDER BY day, team, environment`);

  // The first and last row id of each day: an export pages the rows of a range in id order
  // from the first id of its days instead of from the first row ever.
  await knex.schema.createTable('ledger_day_ids', table => {
    table.comment('The least and greatest ledger_rows id of each day');
    table.string('day', 10).primary().comment('YYYY-MM-DD (UTC)');
    table
      .bigInteger('min_id')
      .notNullable()
      .comment('At most the least id of the day rows');
    table
      .bigInteger('max_id')
      .notNullable()
      .comment('At least the greatest id of the day rows');
  });
  await knex.raw(`
    INSERT INTO ledger_day_ids (day, min_id, max_id)
    SELECT substr(hour, 1, 10), min(id), max(id) FROM ledger_rows GROUP BY substr(hour, 1, 10)`);
  // A team's rows in id order, with their hour to skip those outside the range.
  await knex.schema.alterTable('ledger_rows', table => {
    table.index(['team', 'id', 'hour'], 'ledger_rows_team_id_hour_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ledger_rows', table => {
    table.dropIndex(['team', 'id', 'hour'], 'ledger_rows_team_id_hour_idx');
  });
  await knex.schema.dropTable('ledger_day_ids');
  await knex.schema.dropTable('ledger_daily');
};
