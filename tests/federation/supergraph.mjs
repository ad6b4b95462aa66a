// Composes braid's subgraph with the reputation subgraph, serves the supergraph through
// @apollo/gateway and runs queries through it.
//
//   node supergraph.mjs BRAID_URL QUERIES_JSON
//
// BRAID_URL is braid's /graphql endpoint; QUERIES_JSON is a file holding
// {"featuredUserIds": [...], "queries": [{"query": ..., "variables": ...}, ...]}.
// Prints {"results": [...]} (one GraphQL response per query) on stdout. Composition
// errors are printed on stderr and end the process with status 2.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway } from "@apollo/gateway";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { startReputationSubgraph } from "./reputation-subgraph.mjs";

const [braidUrl, queriesPath] = process.argv.slice(2);
const { featuredUserIds, queries } = JSON.parse(readFileSync(queriesPath, "utf8"));

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

const reputation = await startReputationSubgraph(featuredUserIds);
const stoppers = [() => reputation.server.stop()];
try {
  const braidSdl = (await post(braidUrl, { query: "{ _service { sdl } }" })).data._service.sdl;
  const composed = composeServices([
    { name: "braid", url: braidUrl, typeDefs: parse(braidSdl) },
    { name: "reputation", url: reputation.url, typeDefs: reputation.typeDefs },
  ]);
  if (composed.errors) {
    for (const error of composed.errors) console.error(error.message);
    process.exitCode = 2;
  } else {
    const gateway = new ApolloServer({
      gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }),
    });
    const { url } = await startStandaloneServer(gateway, { listen: { port: 0, host: "127.0.0.1" } });
    stoppers.push(() => gateway.stop());
    const results = [];
    for (const request of queries) results.push(await post(url, request));
    process.stdout.write(JSON.stringify({ results }));
  }
} finally {
  for (const stop of stoppers.reverse()) await stop();
}
