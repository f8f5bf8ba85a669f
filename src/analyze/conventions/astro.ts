// Astro: endpoints, the `src/pages/**` modules written in TypeScript or JavaScript, export one function per method
// (or `ALL`).
import { type Convention, routePath } from "./convention.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ALL"]);

const astro: Convention = {
  name: "Astro",
  files: [
    {
      paths: ["src/pages/**/*.{ts,mts,js,mjs}"],
      exports: (name) => METHODS.has(name),
      label: (path, name) => `Astro ${name} ${routePath(path, ["src/pages"], true)}`,
    },
  ],
};

export default astro;
