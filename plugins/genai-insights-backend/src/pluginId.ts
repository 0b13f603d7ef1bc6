/** The plugin's id: its routes are under `/api/genai-insights`. */
export const PLUGIN_ID = 'genai-insights';
