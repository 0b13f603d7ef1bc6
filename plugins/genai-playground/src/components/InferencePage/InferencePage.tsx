import { CodeSnippet, InfoCard, Progress } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import { useEnvironments } from '@genai-portal/plugin-genai-playground-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Switch from '@material-ui/core/Switch';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  answerCost,
  ChatMessage,
  ChatParams,
  ChatUsage,
  codeSnippets,
  listModels,
  streamChatCompletion,
} from './chat';

const PLUGIN_ID = 'genai-playground';

/** How fast an answer came, as the browser saw it (gateway and model server together). */
interface Timing {
  firstTokenMs?: number;
  totalMs?: number;
}

interface Turn {
  role: 'user' | 'assistant';
  content: string;
  usage?: ChatUsage;
  timing?: Timing;
}

interface Panel {
  turns: Turn[];
  streaming: boolean;
  error?: string;
}

const emptyPanel: Panel = { turns: [], streaming: false };

function formatCost(amount: number, currency: string): string {
  return `${amount.toLocaleString('en-US', {
    maximumFractionDigits: 6,
  })} ${currency}`;
}

/** "first token 80 ms · 1.2 s · 41 tokens/s": what side-by-side comparing is about. */
function formatTiming(timing: Timing, usage?: ChatUsage): string {
  const parts: string[] = [];
  const { firstTokenMs, totalMs } = timing;
  if (firstTokenMs !== undefined) {
    parts.push(`first token ${Math.round(firstTokenMs)} ms`);
  }
  if (totalMs !== undefined) {
    parts.push(`${(totalMs / 1000).toFixed(1)} s`);
    const generatingMs = totalMs - (firstTokenMs ?? 0);
    if (usage && usage.completion_tokens > 1 && generatingMs > 0) {
      // the first token came with the first chunk: the rest took the time after it
      const rate = ((usage.completion_tokens - 1) * 1000) / generatingMs;
      parts.push(`${Math.round(rate)} tokens/s`);
    }
  }
  return parts.join(' · ');
}

function Conversation(props: {
  title: string;
  panel: Panel;
  model?: InferenceModel;
}) {
  const { panel, model } = props;
  return (
    <InfoCard title={props.title}>
      <Box data-testid={`conversation-${props.title}`} minHeight={120}>
        {panel.turns.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            No messages yet.
          </Typography>
        )}
        {panel.turns.map((turn, i) => {
          const cost = turn.usage ? answerCost(turn.usage, model) : undefined;
          return (
            <Box key={i} mb={2}>
              <Typography variant="caption" color="textSecondary">
                {turn.role === 'user' ? 'You' : 'Assistant'}
              </Typography>
              <Paper variant="outlined" data-testid={`turn-${turn.role}`}>
                <Box p={1} style={{ whiteSpace: 'pre-wrap' }}>
                  <Typography variant="body2" component="div">
                    {turn.content}
                  </Typography>
                </Box>
              </Paper>
              {turn.usage && (
                <Typography variant="caption" color="textSecondary">
                  {`${turn.usage.prompt_tokens} input + ${turn.usage.completion_tokens} output tokens`}
                  {cost ? ` · ${formatCost(cost.amount, cost.currency)}` : ''}
                </Typography>
              )}
              {turn.timing && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                  data-testid="turn-timing"
                >
                  {formatTiming(turn.timing, turn.usage)}
                </Typography>
              )}
            </Box>
          );
        })}
        {panel.streaming && <Progress />}
        {panel.error && <Alert severity="error">{panel.error}</Alert>}
      </Box>
    </InfoCard>
  );
}

function ViewCodeDialog(props: {
  open: boolean;
  onClose: () => void;
  baseUrl: string;
  model: string;
  systemPrompt: string;
  params: ChatParams;
}) {
  const [tab, setTab] = useState(0);
  const snippets = codeSnippets(props);
  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="md" fullWidth>
      <DialogTitle>Call {props.model} from code</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Create an API key on one of your environments and export it as
          GENAI_API_KEY.
        </Typography>
        <Tabs value={tab} onChange={(_, v) => setTab(v)}>
          <Tab label="curl" />
          <Tab label="TypeScript" />
        </Tabs>
        <Box mt={1}>
          {tab === 0 ? (
            <CodeSnippet
              language="bash"
              text={snippets.curl}
              showCopyCodeButton
            />
          ) : (
            <CodeSnippet
              language="typescript"
              text={snippets.typescript}
              showCopyCodeButton
            />
          )}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The inference playground: chat with the gateway's models as the signed-in user, streaming the
 * answer, with tokens and cost per answer, a side-by-side compare mode and code snippets.
 */
export function InferencePage() {
  const fetchApi = useApi(fetchApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const baseUrl = useAsync(
    () => discoveryApi.getBaseUrl(PLUGIN_ID),
    [discoveryApi],
  );
  const models = useAsync(async () => {
    if (!baseUrl.value) {
      return undefined;
    }
    return (await listModels(fetchApi, baseUrl.value)).filter(
      m => m.genai?.kind !== 'embedding',
    );
  }, [fetchApi, baseUrl.value]);
  const environments = useEnvironments({});

  const [modelIds, setModelIds] = useState<[string, string]>(['', '']);
  const [compare, setCompare] = useState(false);
  const [environment, setEnvironment] = useState('');
  const [systemPrompt, setSystemPrompt] = useState('');
  const [input, setInput] = useState('');
  const [temperature, setTemperature] = useState('0.7');
  const [topP, setTopP] = useState('1');
  const [maxTokens, setMaxTokens] = useState('512');
  const [panels, setPanels] = useState<[Panel, Panel]>([
    emptyPanel,
    emptyPanel,
  ]);
  const [codeOpen, setCodeOpen] = useState(false);
  const aborts = useRef<AbortController[]>([]);

  useEffect(() => () => aborts.current.forEach(a => a.abort()), []);

  useEffect(() => {
    const list = models.value ?? [];
    if (list.length > 0 && !modelIds[0]) {
      setModelIds([list[0].id, (list[1] ?? list[0]).id]);
    }
  }, [models.value, modelIds]);

  const params: ChatParams = {
    temperature: Number(temperature),
    top_p: Number(topP),
    max_tokens: Number(maxTokens),
  };
  const paramErrors = {
    temperature:
      temperature === '' ||
      !(params.temperature >= 0 && params.temperature <= 2)
        ? 'Between 0 and 2'
        : undefined,
    topP:
      topP === '' || !(params.top_p > 0 && params.top_p <= 1)
        ? 'Above 0, at most 1'
        : undefined,
    maxTokens:
      !Number.isInteger(params.max_tokens) || params.max_tokens < 1
        ? 'A whole number of at least 1'
        : undefined,
  };
  const invalid = Object.values(paramErrors).some(Boolean);
  const streaming = panels.some(p => p.streaming);
  const active = compare ? [0, 1] : [0];

  const updatePanel = useCallback(
    (index: number, update: (panel: Panel) => Panel) =>
      setPanels(current => {
        const next: [Panel, Panel] = [current[0], current[1]];
        next[index] = update(current[index]);
        return next;
      }),
    [],
  );

  const send = () => {
    const text = input.trim();
    if (!text || !baseUrl.value || invalid) {
      return;
    }
    setInput('');
    for (const index of active) {
      const model = modelIds[index];
      const history = panels[index].turns;
      const messages: ChatMessage[] = [
        ...(systemPrompt.trim()
          ? [{ role: 'system' as const, content: systemPrompt.trim() }]
          : []),
        ...history.map(t => ({ role: t.role, content: t.content })),
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
      streamChatCompletion({
        fetchApi,
        baseUrl: baseUrl.value,
        model,
        messages,
        params,
        environment: environment || undefined,
        signal: abort.signal,
        onDelta: delta => {
          if (abort.signal.aborted) {
            return;
          }
          if (firstTokenMs === undefined) {
            firstTokenMs = performance.now() - sentAt;
            const timing = { firstTokenMs };
            setLast(turn => ({ ...turn, timing }));
          }
          setLast(turn => ({ ...turn, content: turn.content + delta }));
        },
      })
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
            turns:
              p.turns[p.turns.length - 1]?.content === ''
                ? p.turns.slice(0, -1)
                : p.turns,
            streaming: false,
            error: error.message,
          }));
        });
    }
  };

  const stop = () => {
    aborts.current.forEach(a => a.abort());
    aborts.current = [];
    setPanels(([a, b]) => [
      { ...a, streaming: false },
      { ...b, streaming: false },
    ]);
  };

  if (baseUrl.loading || models.loading) {
    return <Progress />;
  }
  const loadError = baseUrl.error ?? models.error;
  if (loadError) {
    return (
      <Alert severity="error">
        Could not load the models: {loadError.message}
      </Alert>
    );
  }
  const list = models.value ?? [];
  const modelById = (id: string) => list.find(m => m.id === id);

  const modelPicker = (index: 0 | 1, label: string) => (
    <TextField
      select
      fullWidth
      label={label}
      value={modelIds[index]}
      onChange={e => {
        const next: [string, string] = [modelIds[0], modelIds[1]];
        next[index] = e.target.value;
        setModelIds(next);
      }}
      SelectProps={{ native: true }}
      inputProps={{ 'aria-label': label }}
      variant="outlined"
      margin="dense"
    >
      {list.map(m => (
        <option key={m.id} value={m.id}>
          {m.id}
        </option>
      ))}
    </TextField>
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <InfoCard title="Settings">
          {list.length === 0 && (
            <Alert severity="info">No models are available to you yet.</Alert>
          )}
          {modelPicker(0, compare ? 'Model A' : 'Model')}
          {compare && modelPicker(1, 'Model B')}
          <FormControlLabel
            control={
              <Switch
                checked={compare}
                onChange={e => setCompare(e.target.checked)}
                color="primary"
              />
            }
            label="Compare two models"
          />
          <TextField
            select
            fullWidth
            label="Environment (charged)"
            value={environment}
            onChange={e => setEnvironment(e.target.value)}
            SelectProps={{ native: true }}
            // the empty choice has text of its own: the label must sit above it, not over it
            InputLabelProps={{ shrink: true }}
            inputProps={{ 'aria-label': 'Environment (charged)' }}
            variant="outlined"
            margin="dense"
            helperText="Without one, your first team is charged"
          >
            <option value="">Default (your team)</option>
            {(environments.value ?? [])
              .filter(e => e.status !== 'deleted')
              .map(e => (
                <option key={e.id} value={e.id}>
                  {e.name} ({e.id})
                </option>
              ))}
          </TextField>
          <TextField
            fullWidth
            multiline
            minRows={3}
            label="System prompt"
            id="inference-system-prompt"
            value={systemPrompt}
            onChange={e => setSystemPrompt(e.target.value)}
            variant="outlined"
            margin="dense"
          />
          <TextField
            fullWidth
            label="Temperature"
            id="inference-temperature"
            type="number"
            value={temperature}
            onChange={e => setTemperature(e.target.value)}
            error={Boolean(paramErrors.temperature)}
            helperText={paramErrors.temperature}
            inputProps={{ step: 0.1, min: 0, max: 2 }}
            variant="outlined"
            margin="dense"
          />
          <TextField
            fullWidth
            label="Top P"
            id="inference-top-p"
            type="number"
            value={topP}
            onChange={e => setTopP(e.target.value)}
            error={Boolean(paramErrors.topP)}
            helperText={paramErrors.topP}
            inputProps={{ step: 0.05, min: 0, max: 1 }}
            variant="outlined"
            margin="dense"
          />
          <TextField
            fullWidth
            label="Max tokens"
            id="inference-max-tokens"
            type="number"
            value={maxTokens}
            onChange={e => setMaxTokens(e.target.value)}
            error={Boolean(paramErrors.maxTokens)}
            helperText={paramErrors.maxTokens}
            inputProps={{ step: 1, min: 1 }}
            variant="outlined"
            margin="dense"
          />
          <Box mt={2}>
            <Button
              variant="outlined"
              onClick={() => setCodeOpen(true)}
              disabled={!modelIds[0]}
            >
              View code
            </Button>
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <Grid container spacing={2}>
          {active.map(index => (
            <Grid item xs={12} md={compare ? 6 : 12} key={index}>
              <Conversation
                title={modelIds[index] || 'Conversation'}
                panel={panels[index]}
                model={modelById(modelIds[index])}
              />
            </Grid>
          ))}
          <Grid item xs={12}>
            <TextField
              fullWidth
              multiline
              minRows={2}
              label="Message"
              id="inference-message"
              value={input}
              onChange={e => setInput(e.target.value)}
              onKeyDown={e => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  send();
                }
              }}
              variant="outlined"
            />
            <Box mt={1} display="flex">
              <Button
                variant="contained"
                color="primary"
                onClick={send}
                disabled={streaming || !input.trim() || !modelIds[0] || invalid}
              >
                Send
              </Button>
              <Box ml={1}>
                <Button onClick={stop} disabled={!streaming}>
                  Stop
                </Button>
              </Box>
              <Box ml={1}>
                <Button
                  onClick={() => setPanels([emptyPanel, emptyPanel])}
                  disabled={streaming}
                >
                  Clear
                </Button>
              </Box>
            </Box>
          </Grid>
        </Grid>
      </Grid>
      <ViewCodeDialog
        open={codeOpen}
        onClose={() => setCodeOpen(false)}
        baseUrl={`${baseUrl.value}`}
        model={modelIds[0]}
        systemPrompt={systemPrompt.trim()}
        params={params}
      />
    </Grid>
  );
}
