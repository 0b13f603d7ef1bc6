/**
 * The plugin's id: Backstage mounts its routes at `/api/<pluginId>` and gives it its own
 * database. One constant, so paths derived from it (the gateway's fast lane) follow a rename.
 */
export const PLUGIN_ID = 'genai-playground';
