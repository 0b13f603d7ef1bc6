export interface Config {
  /** The genai-playground backend plugin: self-service playground environments with GPU quotas. */
  genaiPlayground?: {
    /**
     * Name of the cluster environments are created on: one of the clusters of
     * `kubernetes.clusterLocatorMethods` (type `config`). Its `url`, `serviceAccountToken`,
     * `caData` and `skipTLSVerify` are used, so the cluster is configured once.
     */
    cluster: string;
    /** Currency of the rate card and of budgets, e.g. USD. Default USD. */
    currency?: string;
    /** Prices used to project an environment's monthly cost. */
    rateCard?: {
      /** Price of one GPU for one hour, per GPU pool. */
      gpuHour?: {
        mi355x?: number;
        mi300x?: number;
      };
      /** Price of one CPU core (requests.cpu) for one hour. */
      cpuCoreHour?: number;
      /** Price of one GiB of memory (requests.memory) for one hour. */
      memoryGiHour?: number;
      /** Price of one GiB of storage (requests.storage) for one month. */
      storageGiMonth?: number;
    };
    /** Environments are leased: they are deleted when the lease runs out unless extended. */
    lease?: {
      /** Lease a request gets when it names none (hours). Default 72. */
      defaultTtlHours?: number;
      /** Longest lease, from now, a create or an extend may ask for (hours). Default 720. */
      maxTtlHours?: number;
      /** The owner is notified once this many hours before expiry. Default 24. */
      notifyBeforeHours?: number;
    };
    /**
     * Caps on the sum of all of a team's live environments, by team (group) name; `default`
     * applies to teams not listed.
     */
    teamLimits?: {
      [team: string]: {
        /** GPUs (requests.amd.com/gpu) over all the team's environments. */
        gpus: number;
        /** CPU cores (requests.cpu). */
        cpu: number;
        /** Memory in GiB (requests.memory). */
        memoryGi: number;
        /** Number of live environments. */
        environments: number;
      };
    };
    /** Group refs whose members may create environments for any team, e.g. group:default/platform-team. */
    adminGroups?: string[];
    /**
     * Labels of the namespaces of the OpenShift router (ingress controller): NetworkPolicies admit
     * ingress from them. Default `{ network.openshift.io/policy-group: ingress }`.
     */
    routerNamespaceSelector?: { [label: string]: string };
    /**
     * Namespace of the portal's inference gateway: NetworkPolicies admit ingress from it (matched
     * on its `kubernetes.io/metadata.name` label). Default genai-portal.
     */
    gatewayNamespace?: string;
    /** How the plugin talks to the Kubernetes API. */
    kubernetes?: {
      /** Timeout of one request (milliseconds). Default 10000. */
      requestTimeoutMs?: number;
      /** Retries of a request that timed out or got a 5xx/429, with exponential backoff. Default 3. */
      retries?: number;
      /** Delay before the first retry (milliseconds); doubled for each further one. Default 250. */
      retryBaseDelayMs?: number;
    };
    /** How long live quota and pool readings are cached (seconds). Default 10. */
    quotaCacheSeconds?: number;
  };
}
