export * from './GenaiPlaygroundApi';
export * from './chat';
export { GenaiPlaygroundFrontendClient } from './GenaiPlaygroundFrontendClient';
// The one client of the plugin's HTTP API lives in -common, shared with the backend modules.
export { GenaiPlaygroundClient } from '@genai-portal/plugin-genai-playground-common';
