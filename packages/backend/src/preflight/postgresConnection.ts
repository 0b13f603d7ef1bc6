import { Config } from '@backstage/config';
import type { ClientConfig } from 'pg';

/** The PostgreSQL connection of `backend.database`, or undefined when the backend uses another. */
export function postgresConnection(
  config: Config,
): { options: ClientConfig; where: string } | undefined {
  const db = config.getOptionalConfig('backend.database');
  if (!db || db.getOptionalString('client') !== 'pg') return undefined;
  const connection = db.getOptional('connection');
  if (typeof connection === 'string') {
    return {
      options: { connectionString: connection },
      where: 'the configured connection string',
    };
  }
  const options = (connection as ClientConfig | undefined) ?? {};
  return {
    options,
    where: `${options.host ?? 'localhost'}:${options.port ?? 5432}`,
  };
}
