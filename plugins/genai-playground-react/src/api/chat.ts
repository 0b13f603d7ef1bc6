/** One message of a chat completion request. @public */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The usage chunk of a stream (`stream_options.include_usage`). @public */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Sampling parameters the playground sends. @public */
export interface ChatParams {
  temperature: number;
  top_p: number;
  max_tokens: number;
}

/** A chat completion to stream from the gateway (`POST /v1/chat/completions`). @public */
export interface ChatCompletionRequest extends Partial<ChatParams> {
  model: string;
  messages: ChatMessage[];
}

/** @public */
export interface StreamChatCompletionOptions {
  /** Called with each piece of the answer's text as it arrives. */
  onChunk: (text: string) => void;
  /** The user's environment to charge (`x-genai-environment`); without one, their first team. */
  environment?: string;
  signal?: AbortSignal;
}
