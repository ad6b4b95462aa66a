// braid's GraphiQL bootstrap: mounts the playground served by src/http/graphiql.rs.
// Loaded after React, ReactDOM and GraphiQL's UMD builds (all served by braid itself).
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Queries and mutations go over HTTP; subscriptions over graphql-transport-ws, whose
  // connection_init payload carries the header editor's headers (e.g. Authorization).
  var base = GraphiQL.createFetcher({
    url: root.dataset.endpoint,
    subscriptionUrl: scheme + '//' + window.location.host + root.dataset.subscriptionPath,
  });
  // GraphiQL's fetcher picks WebSocket when the editor's parsed document is a
  // subscription, but that document lags a moment behind typing: an operation run right
  // after it was typed would go by the previous one. Parse the operation being sent.
  var graphql = GraphiQL.GraphQL;
  function fetcher(params, options) {
    var documentAST = options && options.documentAST;
    try {
      documentAST = graphql.parse(params.query);
    } catch (error) {
      // Unparsable: braid answers with the syntax error over HTTP.
    }
    return base(params, Object.assign({}, options, { documentAST: documentAST }));
  }
  // Headers (tokens) stay out of localStorage: shouldPersistHeaders covers the editor and
  // the tabs, but GraphiQL's history would still save each run's headers; they are
  // dropped from history and favourites on their way to storage.
  var HISTORY = ['graphiql:queries', 'graphiql:favorites'];
  function withoutHeaders(key, value) {
    if (HISTORY.indexOf(key) < 0) return value;
    try {
      return JSON.stringify(JSON.parse(value), function (name, item) {
        return name === 'headers' ? undefined : item;
      });
    } catch (error) {
      return null;
    }
  }
  var storage = {
    getItem: function (key) {
      return localStorage.getItem(key);
    },
    setItem: function (key, value) {
      var kept = withoutHeaders(key, value);
      if (kept !== null) localStorage.setItem(key, kept);
    },
    removeItem: function (key) {
      localStorage.removeItem(key);
    },
    clear: function () {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf('graphiql:') === 0) localStorage.removeItem(key);
      });
    },
    get length() {
      return Object.keys(localStorage).filter(function (key) {
        return key.indexOf('graphiql:') === 0;
      }).length;
    },
  };
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      storage: storage,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
})();
