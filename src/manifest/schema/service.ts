/** `kind: Service` — a multi-tier application. */
import { list, obj, ref } from './builders.js';
import type { KindSchema } from './kind-schema.js';

export const SERVICE_SCHEMA: KindSchema = {
  kind: 'Service',
  file: 'service.schema.json',
  title: 'virtwarden Service',
  description:
    'A multi-tier application: tiers start top to bottom and stop bottom to top; the service ' +
    'is down when any tier is down.',
  spec: obj(
    'The tiers of the service.',
    {
      tiers: list(
        'Tiers in start order. Every guest of a tier starts after every guest of the tier ' +
          'above it.',
        list('The guests of one tier.', ref('name', 'A Guest name.'), {
          minItems: 1,
          uniqueItems: true,
        }),
        { minItems: 1 },
      ),
    },
    { required: ['tiers'] },
  ),
  defs: {},
};
