import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create a fine-tuning environment with 8 MI300X GPUs for three days, from the template form',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'genai:environment:create',
          name: 'Create the playground environment',
          input: {
            name: 'llama-finetune',
            team: 'group:default/ml-research',
            gpuPool: 'mi300x',
            gpus: 8,
            cpu: 16,
            memoryGi: 128,
            storageGi: 500,
            ttlHours: 72,
            costCenter: 'CC-2100',
            monthlyBudget: 25000,
            dataClassification: 'internal',
            securityLevel: 'medium',
            description: 'LoRA fine-tuning of Llama 3.1 8B on support tickets',
          },
        },
      ],
      output: {
        links: [
          { title: 'Open environment', url: '${{ steps.create.output.url }}' },
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps.create.output.entityRef }}',
          },
        ],
      },
    }),
  },
];
