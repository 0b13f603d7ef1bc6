/**
 * llm-sim: a local stand-in for vLLM's OpenAI-compatible server, for the portal's dev setup and
 * tests (never production). See README.md.
 */
export { startLlmSim, SIMULATED_VLLM_VERSION } from './server';
export type { LlmSim } from './server';
export type { LlmSimOptions, LlmSimModelOptions } from './config';
export { parseConfigFile } from './config';
export type { FaultConfig } from './faults';
export { FAULT_HEADER } from './faults';
export type { LlmSimStats } from './stats';
export type { ModelKind } from './engine';
export { countTokens, tokenize, renderChatTemplate } from './tokenizer';
export { runCli } from './cli';
export { runBench } from './bench';
