import type {
  FactSource,
  GenaiInsightsFactsExtensionPoint,
} from '@genai-portal/plugin-genai-insights-node';
import { CLUSTER_PODS_SOURCE_ID } from '../cluster/ClusterPodSource';
import { IDLE_EPISODES_SOURCE_ID } from '../gpu/idle/IdleEpisodeFactSource';

/** The ids of the built-in sources. */
const BUILT_IN = [CLUSTER_PODS_SOURCE_ID, IDLE_EPISODES_SOURCE_ID];

/**
 * The sources modules add through `genaiInsightsFactsExtensionPoint`: ids are checked when a
 * source is added, so a clash stops the backend at start-up.
 */
export function createFactSourceRegistry(): {
  extensionPoint: GenaiInsightsFactsExtensionPoint;
  sources: FactSource[];
} {
  const sources: FactSource[] = [];
  return {
    sources,
    extensionPoint: {
      addFactSource(source) {
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(source.id)) {
          throw new Error(
            `Fact source id '${source.id}' must be lowercase letters, digits and dashes (at most 63)`,
          );
        }
        if (
          BUILT_IN.includes(source.id) ||
          sources.some(s => s.id === source.id)
        ) {
          throw new Error(`A fact source '${source.id}' is already added`);
        }
        sources.push(source);
      },
    },
  };
}
