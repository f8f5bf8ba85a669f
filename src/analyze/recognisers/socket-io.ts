// socket.io-client: `io(url)`, `connect(url)` and `new Manager(url)` connect to a service at the call.
import type { Recogniser } from "./recogniser.js";

const socketIo: Recogniser = {
  name: "socket.io-client",
  modules: ["socket.io-client"],
  recognise(site) {
    const opens = site.isNew ? site.path === "Manager" : site.path === "" || site.path === "io" || site.path === "connect";
    const [url] = site.node.arguments ?? [];
    return opens && url ? { kind: "call", url } : undefined;
  },
};

export default socketIo;
