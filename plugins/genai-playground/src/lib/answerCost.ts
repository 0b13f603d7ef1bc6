import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import type { ChatUsage } from '@genai-portal/plugin-genai-playground-react';

/** The price of an answer from the model's rate, or undefined without one. */
export function answerCost(
  usage: ChatUsage,
  model?: InferenceModel,
): { amount: number; currency: string } | undefined {
  const genai = model?.genai;
  if (
    !genai ||
    typeof genai.pricePer1MInput !== 'number' ||
    typeof genai.pricePer1MOutput !== 'number'
  ) {
    return undefined;
  }
  return {
    amount:
      (usage.prompt_tokens * genai.pricePer1MInput +
        usage.completion_tokens * genai.pricePer1MOutput) /
      1_000_000,
    currency: genai.currency,
  };
}

/** "0.00002 USD": answers cost fractions of a cent, so up to six decimals. */
export function formatCost(amount: number, currency: string): string {
  return `${amount.toLocaleString('en-US', {
    maximumFractionDigits: 6,
  })} ${currency}`;
}
