import { InfoCard, Progress } from '@backstage/core-components';
import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { Panel, Turn } from '../../hooks/useChatSession';
import { answerCost, formatCost } from '../../lib/answerCost';
import { formatTiming } from '../../lib/chatTiming';

function ChatTurn(props: { turn: Turn; model?: InferenceModel }) {
  const { turn, model } = props;
  const cost = turn.usage ? answerCost(turn.usage, model) : undefined;
  return (
    <Box mb={2}>
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
}

/** One conversation with a model: its turns, each answer's tokens, cost and speed. */
export function ChatConversation(props: {
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
        {panel.turns.map((turn, i) => (
          <ChatTurn key={i} turn={turn} model={model} />
        ))}
        {panel.streaming && <Progress />}
        {panel.error && <Alert severity="error">{panel.error}</Alert>}
      </Box>
    </InfoCard>
  );
}
