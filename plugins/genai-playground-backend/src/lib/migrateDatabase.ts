import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';

const migrationsDir = resolvePackagePath(
  '@genai-portal/plugin-genai-playground-backend',
  'migrations',
);

/**
 * Brings the plugin's database to the latest schema, unless the backend's config skips
 * migrations (`backend.database.skipMigrations`). The one place migrations run: the plugin's
 * wiring calls it before any store is created, so the stores share one schema and one history.
 */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<void> {
  if (database.migrations?.skip) return;
  const client = await database.getClient();
  await client.migrate.latest({ directory: migrationsDir });
}
