/**
 * The genai-playground API ref, its HTTP client and data hooks, shared by the frontend plugins.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './hooks';
