export * from './GenaiPlaygroundApi';
// The one client of the plugin's HTTP API lives in -common, shared with the backend modules.
export { GenaiPlaygroundClient } from '@genai-portal/plugin-genai-playground-common';
