/*
 * Compliance waivers: a lead or an admin accepts one check's failure in one environment (or in
 * every environment of a team) until a date. Rows are never deleted: a revoked or expired
 * waiver stays for the record.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_waivers', table => {
    table.comment(
      'Compliance waivers: one check waived for an environment or a team until expires_at',
    );
    table.string('id', 36).primary().comment('Waiver id (a UUID)');
    table.string('check_id', 100).notNullable();
    table
      .string('team', 255)
      .notNullable()
      .comment(
        'Group ref of the team waived, or of the environment when it was granted',
      );
    table
      .string('environment', 63)
      .nullable()
      .comment('The namespace waived; null: every environment of the team');
    table.text('justification').notNullable();
    table
      .string('expires_at', 24)
      .notNullable()
      .comment('ISO time the waiver stops counting');
    table.string('created_by', 255).notNullable();
    table.string('created_at', 24).notNullable();
    table.string('revoked_by', 255).nullable();
    table.string('revoked_at', 24).nullable();
    table
      .string('expiry_notified_at', 24)
      .nullable()
      .comment('When the owners were told it expires within a week');
    // One waiver in force per check and place, kept by the database so two leads waiving at
    // once cannot both win: set while the waiver may be in force, cleared when it is revoked
    // or found expired. NULLs do not collide in a unique index (PostgreSQL and SQLite).
    table
      .string('active_key', 400)
      .nullable()
      .comment('check and environment or team, while the waiver may count');
    table.unique(['active_key'], {
      indexName: 'compliance_waivers_active_key_uniq',
    });
    // "In force at t": not revoked and expiring after t.
    table.index(['revoked_at', 'expires_at'], 'compliance_waivers_active_idx');
    table.index(['team'], 'compliance_waivers_team_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('compliance_waivers');
};
