import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Fine-tune on a whole MI300X node (8 GPUs) for at most 6 hours, in an environment picked in the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'submit',
          action: 'genai:job:submit',
          name: 'Submit the blueprint job',
          input: {
            environment: 'resource:default/ml-research-llama-finetune',
            name: 'llama-lora',
            image:
              'image-registry.openshift-image-registry.svc:5000/ml-research/llama-finetune:1.4',
            command: ['python', 'finetune.py'],
            args: ['--config', 'configs/lora-8b.yaml'],
            gpus: 8,
            maxRuntimeHours: 6,
            retries: 1,
          },
        },
      ],
      output: {
        links: [{ title: 'Open job', url: '${{ steps.submit.output.url }}' }],
      },
    }),
  },
];
