/**
 * Node library for backend modules of genai-playground: a typed client of the plugin's HTTP API
 * and the events topic the plugin publishes environment changes on.
 *
 * @packageDocumentation
 */
export * from './client';
export * from './events';
