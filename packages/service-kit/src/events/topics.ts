// The topic naming rule is the catalog's; re-exported for the kit's messaging modules.
export { topicName, unprefixedTopic as unprefixed } from '@msa/catalog';
