import type { ChatParams } from '@genai-portal/plugin-genai-playground-react';
import { useState } from 'react';

/** The sampling parameters as typed (text), so that a field may be empty while it is edited. */
export interface ChatParamsText {
  temperature: string;
  topP: string;
  maxTokens: string;
}

/** The playground's sampling parameters: what the user typed, its numbers, and what is wrong. */
export interface ChatParamsForm {
  text: ChatParamsText;
  setText: (field: keyof ChatParamsText, value: string) => void;
  params: ChatParams;
  errors: Record<keyof ChatParamsText, string | undefined>;
  invalid: boolean;
}

export function useChatParams(): ChatParamsForm {
  const [text, setAll] = useState<ChatParamsText>({
    temperature: '0.7',
    topP: '1',
    maxTokens: '512',
  });
  const params: ChatParams = {
    temperature: Number(text.temperature),
    top_p: Number(text.topP),
    max_tokens: Number(text.maxTokens),
  };
  const errors = {
    temperature:
      text.temperature === '' ||
      !(params.temperature >= 0 && params.temperature <= 2)
        ? 'Between 0 and 2'
        : undefined,
    topP:
      text.topP === '' || !(params.top_p > 0 && params.top_p <= 1)
        ? 'Above 0, at most 1'
        : undefined,
    maxTokens:
      !Number.isInteger(params.max_tokens) || params.max_tokens < 1
        ? 'A whole number of at least 1'
        : undefined,
  };
  return {
    text,
    setText: (field, value) => setAll(t => ({ ...t, [field]: value })),
    params,
    errors,
    invalid: Object.values(errors).some(Boolean),
  };
}
