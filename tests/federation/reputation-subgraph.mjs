// A small second subgraph that extends braid's `User` entity: `endorsement` comes from
// here, everything else about a user from braid. `featuredUsers` hands out bare
// references, so the gateway must ask braid's `_entities` for the rest.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import gql from "graphql-tag";

export const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    "What the reputation service says of this user; it names the id it was given."
    endorsement: String!
  }

  type Query {
    "Users the reputation service features, as references braid resolves."
    featuredUsers: [User!]!
  }
`;

export async function startReputationSubgraph(featuredUserIds) {
  const resolvers = {
    Query: { featuredUsers: () => featuredUserIds.map((id) => ({ id })) },
    User: {
      __resolveReference: (reference) => ({ id: reference.id }),
      endorsement: (user) => `endorsed:${user.id}`,
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    // Apollo Studio tracing needs a key this test does not have; it would also log.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { server, url, typeDefs };
}
