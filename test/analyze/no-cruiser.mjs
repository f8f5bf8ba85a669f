// Loaded with `node --import`: makes the dependency-cruiser package unresolvable, as for a user who never installed it.
import { register } from "node:module";

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === "dependency-cruiser") {
    const error = new Error("Cannot find package 'dependency-cruiser'");
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
