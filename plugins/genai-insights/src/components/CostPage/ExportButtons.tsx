import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import GetAppIcon from '@material-ui/icons/GetApp';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import {
  genaiInsightsApiRef,
  type CostExportFormat,
  type CostRangeQuery,
  errorMessage,
} from '@genai-portal/plugin-genai-insights-react';
import { saveBlob } from '../../lib/download';

/**
 * The ledger CSV and the FOCUS export of the page's view. Each is fetched through fetchApi (with
 * the user's token) and saved from a Blob URL.
 */
export function ExportButtons(props: { query: CostRangeQuery }) {
  const api = useApi(genaiInsightsApiRef);
  const [busy, setBusy] = useState<CostExportFormat>();
  const [failure, setFailure] = useState<string>();

  const download = async (format: CostExportFormat) => {
    setBusy(format);
    setFailure(undefined);
    try {
      const file = await api.downloadExport(format, props.query);
      saveBlob(file.blob, file.filename);
    } catch (e) {
      setFailure(
        `Could not download the ${
          format === 'focus' ? 'FOCUS export' : 'CSV'
        }: ${errorMessage(e)}`,
      );
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          disabled={!!busy}
          onClick={() => download('csv')}
          title="Every ledger row of this view, in both bases"
        >
          Download CSV
        </Button>
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          disabled={!!busy}
          onClick={() => download('focus')}
          title="This view as a FinOps FOCUS 1.2 bill, in the chargeback basis"
        >
          Download FOCUS
        </Button>
      </Box>
      {failure && (
        <Box mt={1}>
          <Alert severity="error">{failure}</Alert>
        </Box>
      )}
    </Box>
  );
}
