/** The benchmark's models on llm-sim: a fast one for latency, a paced one for streams. */
export const FAST_MODEL = 'bench/fast';
export const STREAM_MODEL = 'bench/stream';
