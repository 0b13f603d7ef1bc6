/*
 * The inference gateway: API keys of environments, and the metered calls.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('api_keys', table => {
    table.comment(
      'API keys of the inference gateway, issued per environment; only a hash of the secret is kept',
    );
    table.string('id', 36).primary().notNullable().comment('Key id (a UUID)');
    table
      .string('hash', 64)
      .notNullable()
      .unique()
      .comment('SHA-256 of the whole key, hex: what a call is looked up by');
    table
      .string('prefix', 16)
      .notNullable()
      .comment('The first characters of the key, shown to recognise it');
    table.string('name', 100).notNullable().comment('What the key is for');
    table
      .string('environment_id', 253)
      .notNullable()
      .index()
      .comment('The environment the key belongs to and expires with');
    table
      .string('team', 255)
      .notNullable()
      .comment('Group entity ref of the environment team, charged for calls');
    table
      .text('models')
      .notNullable()
      .comment('JSON array of the models the key may call; empty: all');
    table.integer('rpm').notNullable().comment('Requests per minute');
    table.bigInteger('tpm').notNullable().comment('Tokens per minute');
    table
      .double('monthly_budget')
      .nullable()
      .comment('Spend per calendar month (UTC) in currency; null: no budget');
    table.string('currency', 8).notNullable();
    table
      .string('created_by', 255)
      .notNullable()
      .comment('User entity ref of whoever created it');
    table.string('created_at', 32).notNullable().comment('ISO time');
    table
      .string('revoked_at', 32)
      .nullable()
      .comment('ISO time the key was revoked');
    table
      .string('revoked_by', 255)
      .nullable()
      .comment('Who revoked it (a user ref, or the lease task)');
  });

  await knex.schema.createTable('usage_records', table => {
    table.comment(
      'Every call of the inference gateway: who, which model, tokens, cost, latency, status',
    );
    table.bigIncrements('id').primary();
    table
      .string('at', 32)
      .notNullable()
      .comment('ISO time (UTC) the call started');
    table.string('key_id', 36).nullable().comment('API key, for key calls');
    table
      .string('user_ref', 255)
      .nullable()
      .comment('User entity ref, for calls of signed-in users');
    table.string('team', 255).notNullable().comment('Group ref charged');
    table
      .string('environment_id', 253)
      .nullable()
      .comment('Environment charged, when known');
    table.string('model', 253).notNullable();
    table
      .string('endpoint', 32)
      .notNullable()
      .comment('chat, completions or embeddings');
    table.integer('input_tokens').notNullable().defaultTo(0);
    table.integer('output_tokens').notNullable().defaultTo(0);
    table
      .double('cost')
      .notNullable()
      .defaultTo(0)
      .comment('Cost in currency at the model prices of the time');
    table
      .double('latency_ms')
      .notNullable()
      .comment('Until the last byte went to the client');
    table
      .double('ttft_ms')
      .nullable()
      .comment('Streams: until the first content chunk');
    table
      .integer('status')
      .notNullable()
      .comment('HTTP status the client got; 499 when the client went away');
    table
      .string('error', 64)
      .nullable()
      .comment(
        'What went wrong: rate_limit, budget, upstream_error, timeout, stream_cut, ...',
      );
    table.boolean('stream').notNullable().defaultTo(false);
    table.index(['at'], 'usage_records_at_idx');
    table.index(['key_id', 'at'], 'usage_records_key_at_idx');
    table.index(['team', 'at'], 'usage_records_team_at_idx');
    table.index(['environment_id', 'at'], 'usage_records_env_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('usage_records');
  await knex.schema.dropTable('api_keys');
};
