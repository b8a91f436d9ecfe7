import type { ResourceValidationPolicy } from '@pulumi/policy';

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** Only dev may run an image by tag; every promoted environment runs exactly the artifact that was tested. */
const TAGS_ALLOWED = new Set(['dev']);

export const imagesByDigest: ResourceValidationPolicy = {
  name: 'images-by-digest',
  description: 'Outside dev, every container image is pinned by digest.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== 'kubernetes:apps/v1:Deployment') return;
    const environment = props.metadata?.labels?.['msa.dev/environment'];
    if (TAGS_ALLOWED.has(environment)) return;
    const containers: { name: string; image: string }[] = [
      ...(props.spec?.template?.spec?.initContainers ?? []),
      ...(props.spec?.template?.spec?.containers ?? []),
    ];
    for (const c of containers) {
      if (!DIGEST.test(c.image ?? '')) report(`container ${c.name} runs "${c.image}" by tag in ${environment ?? 'an unlabelled environment'}; pin it by digest`);
    }
  },
};
