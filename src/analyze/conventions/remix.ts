// Remix and React Router (framework mode): `loader` and `action` exported by route modules under `app/routes/`
// and by `app/root`.
import { type Convention, EXT, withSrc } from "./convention.js";

const remix: Convention = {
  name: "Remix",
  files: [
    {
      paths: withSrc(`app/routes/**/*.${EXT}`, `app/root.${EXT}`),
      exports: (name) => name === "loader" || name === "action",
      label: (path, name) => `Remix ${name} ${path.replace(/^(src\/)?app\//, "").replace(/\.[^./]+$/, "")}`,
    },
  ],
};

export default remix;
