export interface Config {
  /** The genai-insights backend plugin: the cost ledger, budgets and exports. */
  genaiInsights?: {
    /**
     * Currency of the rate card, the ledger and budgets (ISO 4217).
     * @default USD
     */
    currency?: string;
    /**
     * Which basis is charged, and shown when a query names none: `reserved` (the quota
     * environments hold, for the hours they hold it) or `used` (what ran).
     * @default reserved
     */
    chargeback?: 'reserved' | 'used';
    /** Prices, by version. A rate change adds a version; hours before it keep their prices. */
    rateCard?: {
      /**
       * Node labels that mark spot capacity: a GPU that ran on a node with all of these is
       * priced at its pool's `spotGpuHour`. Absent: all capacity is on-demand. A list, as label
       * names (`node.kubernetes.io/capacity-type`) cannot be config keys.
       */
      spotNodeLabels?: Array<{
        /** The label's name. */
        name: string;
        /** The label's value on spot nodes. */
        value: string;
      }>;
      /**
       * The rate card's versions. Each applies from its `from` until the next version's; an
       * hour is priced by the version in effect at its start. At least one version; when the
       * key is absent, one version from 1970 with the default prices below.
       */
      versions?: Array<{
        /** When the version takes effect: an ISO 8601 time on a whole hour, UTC. */
        from: string;
        /** GPU prices per pool, per GPU-hour (default mi355x 4.10, mi300x 2.90). */
        pools?: Array<{
          /** The pool's name, as environments name it (`mi300x`). */
          name: string;
          /** On-demand price of one GPU for one hour. */
          gpuHour: number;
          /** Spot price of one GPU for one hour; absent: spot is priced as on-demand. */
          spotGpuHour?: number;
        }>;
        /** Price of one CPU core for one hour. @default 0.04 */
        cpuCoreHour?: number;
        /** Price of one GiB of memory for one hour. @default 0.005 */
        memoryGiHour?: number;
        /** Price of one GiB of storage for a month of 730 hours. @default 0.08 */
        storageGiMonth?: number;
        /** Token prices per model, per million tokens. */
        tokens?: Array<{
          /** The model's name as the gateway meters it; `*` for models not listed. */
          model: string;
          /** Price of one million input (prompt) tokens. */
          inputPerMillion: number;
          /** Price of one million output (completion) tokens. */
          outputPerMillion: number;
        }>;
      }>;
    };
    /** The collector that keeps the ledger current from the playground's feed and the cluster. */
    collector?: {
      /**
       * Seconds between runs (one replica runs at a time). Each run reads the feed until it is
       * drained, collects the cluster's pods and recomputes the hours they touch and the
       * current hour. From 1 to 3600.
       * @default 30
       */
      frequencySeconds?: number;
    };
    /**
     * The cluster whose pods (inference servers, notebooks: work outside jobs) are counted in
     * the used basis. Absent: the playground's cluster (`genaiPlayground.cluster` in
     * `kubernetes.clusterLocatorMethods`, with `genaiPlayground.serviceAccountToken`); neither:
     * pods are not collected. The token needs to list namespaces, pods and nodes.
     */
    cluster?: {
      /** The Kubernetes API's URL. */
      url: string;
      /**
       * Bearer token of a service account.
       * @visibility secret
       */
      token: string;
      /** Base64 PEM of the API server's CA. */
      caData?: string;
      /** Skip TLS verification (development only). @default false */
      skipTLSVerify?: boolean;
    };
    /**
     * Prometheus's HTTP API (or a Thanos querier), where GPU activity (AMD's
     * device-metrics-exporter), vLLM's token counters and power are read. Absent: the GPU pages
     * show allocation from the cluster only.
     */
    prometheus?: {
      /** e.g. http://localhost:9090, or https://thanos-querier.openshift-monitoring.svc:9091 */
      baseUrl: string;
      /**
       * Bearer token (OpenShift: a service account's token with cluster-monitoring-view).
       * @visibility secret
       */
      token?: string;
      /** Seconds a query may take. @default 10 */
      timeoutSeconds?: number;
      /** Seconds an answer is reused for the same query and range. @default 30 */
      cacheSeconds?: number;
      /** Prefix of the exporter's metric names (e.g. `amd_`). @default '' */
      metricPrefix?: string;
      /** The label with the pod's name (`exported_pod` without honorLabels). @default pod */
      podLabel?: string;
      /** The label with the pod's namespace. @default namespace */
      namespaceLabel?: string;
      /** The exporter's scrape interval: the step of the idle scan. @default 15 */
      scrapeIntervalSeconds?: number;
    };
    /** GPU utilization: pools and the idle rule. */
    gpu?: {
      /** The node label naming a node's GPU pool. @default gpu-type */
      poolLabel?: string;
      /**
       * A held GPU is idle when its activity stays under `thresholdPercent` for `window` and,
       * for inference servers, they served no request in that window.
       */
      idle?: {
        /** @default 5 */
        thresholdPercent?: number;
        /** A duration such as `{ minutes: 30 }`. @default { minutes: 30 } */
        window?: { [unit: string]: number } | string;
        /** Inference servers also need no request in the window. @default true */
        inferenceNeedsNoRequests?: boolean;
        /** Tell the owner and the team's leads, once per idle episode. @default true */
        notify?: boolean;
        /** How often GPUs are scanned. @default { minutes: 1 } */
        scanFrequency?: { [unit: string]: number } | string;
      };
    };
    /** Compliance scorecards: the checks' levels, the registries allowed, the cache. */
    compliance?: {
      /**
       * Levels from the lowest; an environment reaches a level when the checks it names (`*`:
       * every check) and those of the levels below pass. Default: Bronze (required-labels,
       * quota-gpu, cost-annotations), Silver (pod-security-restricted, network-default-deny,
       * network-ingress-allowed-only), Gold (`*`).
       */
      levels?: Array<{ name: string; checks: string[] | '*' }>;
      /** Registries containers may pull from (`quay.io/genai`); empty: any. @default [] */
      allowedRegistries?: string[];
      /** Seconds an evaluation is answered before the cluster is read again. @default 60 */
      cacheSeconds?: number;
      /**
       * The GPU pools (the value of `gpu.poolLabel`) and the workload type each is for.
       * Default: mi355x for inference, mi300x for blueprints.
       */
      pools?: Array<{ name: string; workloadType: string }>;
      /**
       * Days of compliance history kept before today: one snapshot of the scorecards a day,
       * taken hourly (the day's last wins); older days are deleted. 1 to 3650. @default 365
       */
      historyDays?: number;
      /**
       * The platform's own namespaces (its projects and its operators'), by name: the ingress
       * check lets one of them admit the others (a database its operator), never an environment.
       * @default []
       */
      platformNamespaces?: string[];
    };
    /** Budget notifications (thresholds crossed), sent through the notifications plugin. */
    notifications?: {
      /** @default true */
      enabled?: boolean;
    };
  };
}
