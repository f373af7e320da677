// gitlab-ci-local ships GitLab's CI JSON schema as an ES module without type declarations.
declare module 'gitlab-ci-local/src/schema/schema.js' {
  export const schema: Record<string, unknown>;
}
