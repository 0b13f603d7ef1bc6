import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Serve Llama 3.1 8B from two MI355X replicas (up to four) in a team environment',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'genai:inference:deploy',
          name: 'Deploy the model server',
          input: {
            environment: 'ml-research-serving',
            name: 'llama-8b-support',
            model: 'meta-llama/Llama-3.1-8B-Instruct',
            replicas: 2,
            maxReplicas: 4,
            gpusPerReplica: 1,
            maxModelLen: 16384,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open environment',
            url: '${{ steps.deploy.output.environmentUrl }}',
          },
        ],
        text: [
          {
            title: 'Use it',
            content:
              'Call the gateway at `${{ steps.deploy.output.gatewayPath }}` with model `${{ steps.deploy.output.modelName }}` and an API key of the environment.',
          },
        ],
      },
    }),
  },
];
