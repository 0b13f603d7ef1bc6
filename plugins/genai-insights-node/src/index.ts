/**
 * Node library for backend modules of genai-insights: the extension point through which a module
 * adds a source of cost facts to the plugin's collector.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './checks';
