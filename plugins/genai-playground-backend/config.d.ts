export interface Config {
  /** The genai-playground backend plugin: self-service playground environments with GPU quotas. */
  genaiPlayground?: {
    /**
     * Name of the cluster environments are created on: one of the clusters of
     * `kubernetes.clusterLocatorMethods` (type `config`). Its `url`, `serviceAccountToken`,
     * `caData` and `skipTLSVerify` are used, so the cluster is configured once.
     */
    cluster: string;
    /**
     * The token the plugin provisions with (namespaces, quotas, role bindings, jobs). When set,
     * it replaces the cluster's `serviceAccountToken` for the plugin only, so that entry can
     * hold the Kubernetes plugin's read-only token: a user's reads through the Kubernetes plugin
     * never run with the identity that provisions. Default: the cluster's token.
     * @visibility secret
     */
    serviceAccountToken?: string;
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
        /** Storage in GiB (requests.storage, what the environments' PVCs may claim). Default 10240. */
        storageGi?: number;
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
    /**
     * What the portal's own ServiceAccount may do inside each environment namespace: a
     * RoleBinding there binds `clusterRole` (the chart's `<release>-environment`: `get` Secrets, so
     * a job's `secretKeyRef` can be checked) to `serviceAccount` (`<namespace>/<name>`). The
     * portal holds no Secrets rights outside environment namespaces. Default: no such binding
     * (kube-sim does not enforce RBAC).
     */
    portalAccess?: {
      clusterRole: string;
      serviceAccount: string;
    };
    /**
     * Where pods of playground namespaces may connect to. Always: DNS (kube-system and
     * openshift-dns, port 53 and OpenShift DNS's 5353), the gateway namespace, and pods of their
     * own namespace; so models are reached only through the gateway, and never another team's
     * namespace or a model server's namespace directly.
     */
    egress?: {
      /**
       * Also IPv4 addresses outside the cluster (e.g. package downloads), except `exceptCidrs`.
       * Default false: playground pods reach nothing outside the cluster.
       */
      internet?: boolean;
      /**
       * IPv4 ranges internet egress never reaches: they must cover the cluster's pod, service and
       * node networks. Default the private, shared and link-local ranges: 10.0.0.0/8,
       * 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16.
       */
      exceptCidrs?: string[];
    };
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
    /** The plugin's own database (the one Backstage gives it under `backend.database`). */
    database?: {
      /**
       * On SQLite (the embedded default), switch the plugin's database to write-ahead logging with
       * `synchronous = NORMAL`, so metering's commits append to the log without an fsync on the
       * event loop; only an OS crash can lose the last ones. No effect on PostgreSQL. Default true.
       */
      sqliteWriteAheadLog?: boolean;
    };
    /** The incremental facts feed (GET /facts) the genai-insights backend reads. */
    factsFeed?: {
      /**
       * Rows are delivered only once they are this many seconds old (by their time: an event's,
       * a job timeline entry's, the end of a metered call plus `inference.metering.flushIntervalMs`),
       * so that a row whose id was taken before but committed after a higher one is not passed over.
       * At least 0. Default 10.
       */
      settleSeconds?: number;
    };
    /**
     * The inference gateway: OpenAI's API at /api/genai-playground/v1 in front of the model
     * servers (vLLM), with API keys per environment, limits, budgets and metering.
     */
    inference?: {
      /** Models served from config. Deployed model servers are found on the cluster besides. */
      models?: Array<{
        /** The name clients pass as `model`; what the upstreams serve (`--served-model-name`). */
        name: string;
        /** Base URLs of the model's replicas (`/v1` is added); calls only ever go to these. */
        upstreams: string[];
        /** GPU pool the replicas run on. Default mi355x. */
        gpuPool?: string;
        /** Price of one million input tokens, in genaiPlayground.currency. */
        pricePer1MInput: number;
        /** Price of one million output tokens. Required for chat models; embeddings default 0. */
        pricePer1MOutput?: number;
        /** Context window (tokens); bounds what a call without max_tokens may reserve. */
        contextLength: number;
        /** chat (chat and text completions) or embedding. Default chat. */
        kind?: 'chat' | 'embedding';
      }>;
      /** Largest request body the gateway reads (bytes); bigger is a 413. Default 1048576. */
      maxBodyBytes?: number;
      /**
       * How far one request may multiply its work (and its worst-case cost): more is a 400
       * naming the field.
       */
      requestLimits?: {
        /** Largest `n` and `best_of` (choices generated per prompt). Default 16. */
        maxChoices?: number;
        /** Longest `prompt` list of /v1/completions. Default 100. */
        maxPrompts?: number;
        /** Longest `input` list of /v1/embeddings. Default 2048. */
        maxInputs?: number;
      };
      /**
       * What the gateway reads of a model server's answer: servers deployed into team
       * namespaces are not trusted with the gateway's memory.
       */
      upstreamLimits?: {
        /** Largest whole (non-streamed) answer, in bytes; larger is a 502. Default 67108864. */
        maxResponseBytes?: number;
        /** Longest event of a stream, in bytes; longer cuts the stream with an error event. Default 1048576. */
        maxEventBytes?: number;
      };
      timeouts?: {
        /** Connecting to a replica (ms). Default 5000. */
        connectMs?: number;
        /** Until the model server's response headers (non-streaming: the whole answer), ms; then a 504. Default 120000. */
        firstTokenMs?: number;
        /** Longest silence between two chunks of a stream (ms); then the stream is cut with an error event. Default 30000. */
        chunkMs?: number;
      };
      /** Tries on another replica after a connection error or a 5xx (before anything reached the client). */
      retries?: {
        /** Extra tries. Default 2. */
        attempts?: number;
        /** Backoff before the first retry (ms), doubled each time, with jitter. Default 25. */
        baseDelayMs?: number;
      };
      /** A replica failing this many times in a row is left alone for a while. */
      cooldown?: {
        /** Default 5. */
        failures?: number;
        /** Default 10. */
        seconds?: number;
      };
      /** Limits of a new API key when the request names none. */
      keyDefaults?: {
        /** Requests per minute. Default 600. */
        rpm?: number;
        /** Tokens per minute. Default 1000000. */
        tpm?: number;
      };
      /**
       * The most an API key may be given, set by the platform's admins: creating a key above a
       * ceiling is a 400 naming the field, keys issued earlier are held to it at call time, and
       * with a monthlyBudget ceiling a key asking for no budget gets the ceiling. keyDefaults
       * must not be above these. Default: no ceilings.
       */
      keyCeilings?: {
        /** Requests per minute. */
        rpm?: number;
        /** Tokens per minute. */
        tpm?: number;
        /** Spend per calendar month (UTC), in genaiPlayground.currency. */
        monthlyBudget?: number;
      };
      /**
       * Monthly budget per team (a group name such as ml-research, or a group ref), in
       * genaiPlayground.currency: it holds for calls with the team's API keys and with its
       * members' user tokens alike. Teams not listed have none. Default: none.
       */
      teamBudgets?: { [team: string]: number };
      /** Limits of signed-in users calling from the playground page. */
      userLimits?: {
        /** Requests per minute. Default 120. */
        rpm?: number;
        /** Tokens per minute. Default 2000000. */
        tpm?: number;
      };
      /** How long a looked-up API key is trusted before it is read again (s); a revoke on another replica applies within it. Default 10. */
      keyCacheSeconds?: number;
      /** Also charge calls to their environment's monthlyBudget (besides the key's budget). Default false. */
      environmentBudgets?: boolean;
      /** Metered calls are written in batches, off the request path. */
      metering?: {
        /** Default 1000. */
        flushIntervalMs?: number;
        /** Write as soon as this many records wait. Default 500. */
        batchSize?: number;
        /**
         * When limits are kept in Redis, records are written ahead to a Redis stream and every
         * replica drains it; an entry a replica read but did not acknowledge (it died) is taken
         * over by another after this many ms. Default 30000.
         */
        claimIdleMs?: number;
        /**
         * The Redis stream of the records (when limits are kept in Redis). Deployments that share
         * a Redis must each have their own. Default genai-playground:usage: and backend.database.prefix.
         */
        streamKey?: string;
      };
      /**
       * Where limits and budgets are counted, so that they hold across backend replicas. Default:
       * redis when backend.cache.store is redis (at backend.cache.connection), else memory.
       */
      limits?: {
        store?: 'memory' | 'redis';
        /**
         * Redis URL, when not backend.cache.connection.
         * @visibility secret
         */
        redisUrl?: string;
        /** Default genai-playground:limits: */
        keyPrefix?: string;
      };
      metrics?: {
        /** Serve /metrics without a Backstage identity, as most exporters do. Default true. */
        public?: boolean;
      };
      /** Model servers deployed into environments: Services labelled genai-playground.io/inference-model. */
      discovery?: {
        /** Default true. */
        enabled?: boolean;
        /** Default 30. */
        intervalSeconds?: number;
        /**
         * Route to a Service's genai-playground.io/upstream-url annotation instead of its cluster
         * DNS name. Only for kube-sim setups, where Services route nowhere: anyone who may
         * annotate Services in an environment could point the gateway anywhere. Default false.
         */
        allowUpstreamAnnotation?: boolean;
        /** Prices of deployed models (the team pays the GPUs already). Default 0. */
        pricePer1MInput?: number;
        /** Default 0. */
        pricePer1MOutput?: number;
        /** Context window when the Service does not say. Default 32768. */
        contextLength?: number;
      };
      /** What genai:inference:deploy (POST /environments/:id/inference-services) makes. */
      deploy?: {
        /** vLLM image for ROCm. Default rocm/vllm:rocm7.0.0_vllm_0.11.1_20251024 (ROCm 7.0, vLLM 0.11.1); pin a tag or digest, never latest. */
        image?: string;
        /** Extra vLLM arguments for every model server. */
        extraArgs?: string[];
        /** Node selector of the inference pool. Default { gpu-type: mi355x }. */
        nodeSelector?: { [label: string]: string };
        /** Tolerations of the pool's taints. Default amd.com/gpu Exists NoSchedule. */
        tolerations?: Array<{
          key: string;
          operator?: 'Exists' | 'Equal';
          value?: string;
          effect?: string;
        }>;
        /** CPU cores requested per replica (limit twice as much). Default 8. */
        cpu?: number;
        /** Memory in GiB requested per replica (limit twice as much). Default 64. */
        memoryGi?: number;
        modelCache?: {
          /** emptyDir (per pod) or pvc (shared ReadWriteMany claim). Default emptyDir. */
          type?: 'emptyDir' | 'pvc';
          /** Default 200. */
          sizeGi?: number;
          storageClass?: string;
        };
        /** A Secret in the environment with a Hugging Face token under key `token`. */
        hfTokenSecret?: string;
        /** Port vLLM listens on. Default 8000. */
        port?: number;
      };
    };
    /**
     * Blueprint GPU jobs: Kubernetes Jobs in playground environments (POST /jobs, the
     * genai:job:submit action).
     */
    jobs?: {
      /**
       * Registries (hosts, or host/path prefixes matched on whole path segments) job images may
       * come from; an image that names no registry host is refused. Default: the
       * OpenShift internal registry, image-registry.openshift-image-registry.svc:5000.
       */
      allowedRegistries?: string[];
      /** GPU pools jobs may run on. Default [mi300x]. */
      allowedPools?: Array<'mi300x' | 'mi355x'>;
      /** Runtime (activeDeadlineSeconds) a job gets when it names none, in hours. Default 4. */
      defaultRuntimeHours?: number;
      /** The longest runtime a job may ask for, in hours. Default 72. */
      maxRuntimeHours?: number;
      /** Pods one job may run at once (an Indexed Job). Default 8. */
      maxPods?: number;
      /** The highest backoffLimit a job may ask for. Default 6. */
      maxRetries?: number;
      /** PriorityClasses jobs may name (they must exist on the cluster). Default none. */
      priorityClasses?: string[];
      /** The PriorityClass of jobs that name none; one of priorityClasses. */
      defaultPriorityClass?: string;
      /** Finished Jobs (and their pods and logs) are deleted this long after. Default 86400. */
      ttlSecondsAfterFinished?: number;
      /**
       * Tolerations of each pool's node taints, given to job pods. Default for each pool:
       * amd.com/gpu Exists NoSchedule.
       */
      tolerations?: {
        [pool: string]: Array<{
          key?: string;
          operator?: 'Exists' | 'Equal';
          value?: string;
          effect?: string;
        }>;
      };
      /** The watch that keeps job records in step with the cluster (one replica runs it). */
      watch?: {
        /** One watch session: list, reconcile, watch; then the next begins. Default 60. */
        sessionSeconds?: number;
        /** Unfinished jobs are read afresh this often within a session. Default 15. */
        resyncSeconds?: number;
        /** The API server closes a watch after this long; it resumes. Default 300. */
        timeoutSeconds?: number;
      };
      /**
       * A job whose Job the cluster never confirmed (the submit was cut short) fails after this
       * long unless its idempotency key is submitted again. Default 300.
       */
      submitGraceSeconds?: number;
    };
  };
}
