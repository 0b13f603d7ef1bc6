import { useApi } from '@backstage/core-plugin-api';
import {
  ChatMessage,
  ChatParams,
  ChatUsage,
  genaiPlaygroundApiRef,
} from '@genai-portal/plugin-genai-playground-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Timing } from '../lib/chatTiming';

/** One message of a conversation, with the answer's usage and speed once known. */
export interface Turn {
  role: 'user' | 'assistant';
  content: string;
  usage?: ChatUsage;
  timing?: Timing;
}

/** One conversation of the playground (two side by side in compare mode). */
export interface Panel {
  turns: Turn[];
  streaming: boolean;
  error?: string;
}

const emptyPanel: Panel = { turns: [], streaming: false };

/**
 * The playground's two conversations: `send` streams the message to the model of each active
 * panel, each with its own history; `stop` aborts every stream and keeps the text so far.
 */
export function useChatSession(options: {
  modelIds: [string, string];
  /** The panels that take part: `[0]`, or `[0, 1]` when comparing. */
  active: number[];
  systemPrompt: string;
  environment: string;
  params: ChatParams;
}) {
  const api = useApi(genaiPlaygroundApiRef);
  const [panels, setPanels] = useState<[Panel, Panel]>([
    emptyPanel,
    emptyPanel,
  ]);
  const aborts = useRef<AbortController[]>([]);

  // Leaving the page stops the streams (and their metering) instead of reading on unseen.
  useEffect(() => () => aborts.current.forEach(a => a.abort()), []);

  const updatePanel = useCallback(
    (index: number, update: (panel: Panel) => Panel) =>
      setPanels(current => {
        const next: [Panel, Panel] = [current[0], current[1]];
        next[index] = update(current[index]);
        return next;
      }),
    [],
  );

  const sendTo = (index: number, text: string) => {
    const { systemPrompt, environment, params } = options;
    const messages: ChatMessage[] = [
      ...(systemPrompt.trim()
        ? [{ role: 'system' as const, content: systemPrompt.trim() }]
        : []),
      ...panels[index].turns.map(t => ({ role: t.role, content: t.content })),
      { role: 'user', content: text },
    ];
    updatePanel(index, p => ({
      turns: [
        ...p.turns,
        { role: 'user', content: text },
        { role: 'assistant', content: '' },
      ],
      streaming: true,
    }));
    const setLast = (change: (turn: Turn) => Turn) =>
      updatePanel(index, p => ({
        ...p,
        turns: [...p.turns.slice(0, -1), change(p.turns[p.turns.length - 1])],
      }));
    const abort = new AbortController();
    aborts.current.push(abort);
    const sentAt = performance.now();
    let firstTokenMs: number | undefined;
    api
      .streamChatCompletion(
        { model: options.modelIds[index], messages, ...params },
        {
          environment: environment || undefined,
          signal: abort.signal,
          onChunk: chunk => {
            if (abort.signal.aborted) {
              return;
            }
            if (firstTokenMs === undefined) {
              firstTokenMs = performance.now() - sentAt;
              const timing = { firstTokenMs };
              setLast(turn => ({ ...turn, timing }));
            }
            setLast(turn => ({ ...turn, content: turn.content + chunk }));
          },
        },
      )
      .then(({ usage }) => {
        if (abort.signal.aborted) {
          return;
        }
        const timing = { firstTokenMs, totalMs: performance.now() - sentAt };
        setLast(turn => ({ ...turn, usage, timing }));
        updatePanel(index, p => ({ ...p, streaming: false }));
      })
      .catch((error: Error) => {
        if (abort.signal.aborted) {
          return;
        }
        updatePanel(index, p => ({
          // an answer that never started is dropped; a cut one stays above the error
          turns:
            p.turns[p.turns.length - 1]?.content === ''
              ? p.turns.slice(0, -1)
              : p.turns,
          streaming: false,
          error: error.message,
        }));
      });
  };

  const send = (text: string) => options.active.forEach(i => sendTo(i, text));

  const stop = () => {
    aborts.current.forEach(a => a.abort());
    aborts.current = [];
    setPanels(([a, b]) => [
      { ...a, streaming: false },
      { ...b, streaming: false },
    ]);
  };

  const clear = () => setPanels([emptyPanel, emptyPanel]);

  return {
    panels,
    streaming: panels.some(p => p.streaming),
    send,
    stop,
    clear,
  };
}
