/**
 * Types, request schemas, permissions and cost maths shared by the genai-playground plugins.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './environment';
export * from './quota';
export * from './cost';
export * from './settings';
export * from './jobs';
export * from './inference';
export * from './facts';
export * from './quantity';
export * from './api';
export * from './GenaiPlaygroundClient';
