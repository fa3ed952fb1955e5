/**
 * GraphQL Code Generator configuration. For now it only names the sources: the committed public
 * SDL (written by `npm run schema:print`) and the example operations frontends start from. The
 * typed-client generation (client preset) and its `npm run codegen` script come with the
 * federation/typed-clients work; until then nothing imports a generator package.
 */
const config = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/*.graphql'],
  generates: {},
};

export default config;
