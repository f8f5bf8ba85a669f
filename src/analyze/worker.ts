// A worker thread of analyze/threads.ts: analyses one group of services and sends its part back, in the stored form.
import { parentPort, workerData } from "node:worker_threads";
import type { TopologyConfig } from "../model.js";
import { serializeAnalysis } from "../cache/serialize.js";
import { analyze } from "./index.js";
import type { ThreadResult } from "./threads.js";

const { config, files, services } = workerData as { config: TopologyConfig; files: string[]; services: string[] };
const analysis = await analyze(config, { files, services, concurrency: "off" });
const result: ThreadResult = { analysis: serializeAnalysis(analysis), read: [...(analysis.read ?? [])] };
parentPort?.postMessage(result);
