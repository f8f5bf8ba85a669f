// Apollo Client: the HTTP link that sends every operation, `new HttpLink({ uri })`, `createHttpLink({ uri })`, or
// `new ApolloClient({ uri })`. The call is located where the link is made.
import { objectProperty, type Recogniser } from "./recogniser.js";

const apollo: Recogniser = {
  name: "apollo",
  modules: ["@apollo/client", "apollo-link-http", "apollo-boost"],
  recognise(site) {
    const [options] = site.node.arguments ?? [];
    const made =
      (site.isNew && (site.path === "HttpLink" || site.path === "ApolloClient" || site.path === "BatchHttpLink")) ||
      (!site.isNew && site.path === "createHttpLink");
    const uri = made ? objectProperty(options, "uri", site.resolver) : undefined;
    return uri ? { kind: "call", url: uri } : undefined;
  },
};

export default apollo;
