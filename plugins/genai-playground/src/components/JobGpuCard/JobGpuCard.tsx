import { useApiHolder } from '@backstage/core-plugin-api';
import {
  genaiInsightsApiRef,
  JobGpuActivityCard,
} from '@genai-portal/plugin-genai-insights-react';
import type { Job } from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';

/**
 * The job's GPUs over its run (mean activity and GPU-hours held), from genai-insights: from its
 * start (or its submission, while it has not started) to its end (or now). Nothing when the app
 * does not install genai-insights, so the playground works without it.
 */
export function JobGpuCard(props: { job: Job }) {
  const { job } = props;
  const insights = useApiHolder().get(genaiInsightsApiRef);
  if (!insights) {
    return null;
  }
  return (
    <Box mt={3}>
      <JobGpuActivityCard
        jobId={job.id}
        from={job.startedAt ?? job.submittedAt}
        to={job.finishedAt}
        team={job.team}
      />
    </Box>
  );
}
