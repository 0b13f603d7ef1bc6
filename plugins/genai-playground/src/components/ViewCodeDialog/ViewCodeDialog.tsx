import { CodeSnippet } from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import type { ChatParams } from '@genai-portal/plugin-genai-playground-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { codeSnippets } from '../../lib/codeSnippets';

/** "View code": the playground's current call as curl and as the openai TypeScript client. */
export function ViewCodeDialog(props: {
  open: boolean;
  onClose: () => void;
  model: string;
  systemPrompt: string;
  params: ChatParams;
}) {
  const discoveryApi = useApi(discoveryApiRef);
  // the gateway's address as this browser reaches it: what a caller outside uses too
  const baseUrl = useAsync(
    () => discoveryApi.getBaseUrl('genai-playground'),
    [discoveryApi],
  );
  const [tab, setTab] = useState(0);
  const snippets = codeSnippets({ ...props, baseUrl: `${baseUrl.value}` });
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
