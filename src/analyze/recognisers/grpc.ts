// gRPC clients from @grpc/grpc-js: `new XClient(address, credentials)`. The class is usually generated code, so the
// credentials argument is what identifies the call; the address is the first argument.
import type { Recogniser } from "./recogniser.js";
import { isModule, refPath } from "./context.js";

const GRPC_MODULES = ["@grpc/grpc-js", "grpc"];

const grpc: Recogniser = {
  name: "grpc",
  modules: [],
  recognise(site) {
    const [address, credentials] = site.node.arguments ?? [];
    if (!site.isNew || address === undefined || credentials === undefined) return undefined;
    const ref = site.resolver.moduleRef(credentials);
    if (ref === undefined || !GRPC_MODULES.some((module) => isModule(ref.module, module))) return undefined;
    const path = refPath(ref);
    return path.startsWith("credentials.") || path.startsWith("ChannelCredentials.") ? { kind: "call", url: address } : undefined;
  },
};

export default grpc;
