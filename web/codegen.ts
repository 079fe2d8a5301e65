// GraphQL Code Generator: the types of every operation in src/ from the service's exported
// schema (schema/schema.graphql, written by `yishi schema export`). The output (src/gql/) is
// committed; `make web-check` regenerates it and fails when it differs.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        // Only what the console's operations use: a schema change elsewhere leaves src/gql/ as it is.
        onlyOperationTypes: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", Date: "string", JSON: "unknown", Upload: "string" },
      },
    },
  },
};

export default config;
