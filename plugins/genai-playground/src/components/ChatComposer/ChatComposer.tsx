import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';

/**
 * The message box with Send, Stop and Clear. Enter sends, Shift+Enter starts a new line; the box
 * empties once a message is sent.
 */
export function ChatComposer(props: {
  /** Whether a message may go now (a model is chosen and the settings are valid). */
  canSend: boolean;
  streaming: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  onClear: () => void;
}) {
  const [input, setInput] = useState('');
  const send = () => {
    const text = input.trim();
    if (!text || !props.canSend) {
      return;
    }
    setInput('');
    props.onSend(text);
  };
  return (
    <>
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
          disabled={props.streaming || !input.trim() || !props.canSend}
        >
          Send
        </Button>
        <Box ml={1}>
          <Button onClick={props.onStop} disabled={!props.streaming}>
            Stop
          </Button>
        </Box>
        <Box ml={1}>
          <Button onClick={props.onClear} disabled={props.streaming}>
            Clear
          </Button>
        </Box>
      </Box>
    </>
  );
}
