/**
 * The deploy folder holds no runtime code: a Helm chart (helm/genai-portal) and the platform's
 * manifests (platform/). This package exists so their tests run with everything else.
 *
 * @packageDocumentation
 */
export const CHART_PATH = 'helm/genai-portal';
