// Prisma: `new PrismaClient({ datasources })` in code. Most connections are declared in schema.prisma instead
// (`url = env("…")`); facts.ts reads those files, since they are not TypeScript.
import { driver } from "./recogniser.js";

export default driver("prisma", ["@prisma/client"], ["new PrismaClient"]);
