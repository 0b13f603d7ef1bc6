/**
 * What the controllers share: the store, the API write path, the simulated
 * clock and the kubelet's view of running containers.
 */
import { Api } from './api/rest';
import { EventRecorder } from './controllers/events';
import { ObjectStore } from './store/ObjectStore';

/** The kubelet's record of a pod's (first) container, kept in memory only. */
export interface PodRuntime {
  state: 'creating' | 'running' | 'backoff' | 'terminated' | 'pull-failed';
  /** Real time (ms) the current state began. */
  since: number;
  /** Real time (ms) the current container instance started running. */
  startedAt?: number;
  finishedAt?: number;
  restarts: number;
  exitCode?: number;
  reason?: string;
  /** Simulated seconds the container ran, once terminated. */
  ranSeconds?: number;
  /** Log lines already produced by previous (restarted) instances. */
  previousRanSeconds?: number;
}

export class Cluster {
  readonly store: ObjectStore;
  readonly api: Api;
  readonly events: EventRecorder;
  readonly runtime = new Map<string, PodRuntime>();

  constructor(readonly timeScale: number, historySize: number) {
    this.store = new ObjectStore(historySize);
    this.api = new Api(this.store);
    this.events = new EventRecorder(this.store);
  }

  /** Simulated seconds elapsed since real time `ms`. */
  simSecondsSince(ms: number): number {
    return ((Date.now() - ms) / 1000) * this.timeScale;
  }

  /** Real milliseconds for `seconds` of simulated time. */
  realMs(seconds: number): number {
    return (seconds * 1000) / this.timeScale;
  }
}
