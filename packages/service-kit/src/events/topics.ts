/** Topic names are the catalog's, prefixed per environment so clones can share one broker. */
export function topicName(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}

export function unprefixed(prefix: string, topic: string): string {
  return prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
}
