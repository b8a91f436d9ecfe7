/** One problem in the catalog, located by file and field. */
export interface CatalogIssue {
  file: string;
  field: string;
  message: string;
}

export class CatalogError extends Error {
  readonly issues: CatalogIssue[];
  constructor(issues: CatalogIssue[]) {
    super(
      `The service catalog is invalid:\n` +
        issues.map((i) => `  - ${i.file}: ${i.field ? `${i.field}: ` : ''}${i.message}`).join('\n'),
    );
    this.name = 'CatalogError';
    this.issues = issues;
  }
}
