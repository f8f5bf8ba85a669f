// The TypeScript compiler, loaded through require: importing it as an ES module makes Node scan all of typescript.js
// for export names first, which costs more than half a second on every run.
import ts = require("typescript");
export = ts;
