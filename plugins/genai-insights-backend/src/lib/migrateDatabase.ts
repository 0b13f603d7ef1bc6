import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';

const migrationsDir = resolvePackagePath(
  '@genai-portal/plugin-genai-insights-backend',
  'migrations',
);

/**
 * Brings the plugin's database to the latest schema, unless the backend's config skips
 * migrations. The one place migrations run, before any store is created.
 */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<void> {
  if (database.migrations?.skip) return;
  const client = await database.getClient();
  await client.migrate.latest({ directory: migrationsDir });
}
