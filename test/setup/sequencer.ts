// The order test files start in. The suite is bound by the machine's cores, so what matters is that no long file
// starts last and runs alone. The files that start processes (the built CLI, Chromium, the reference services, git)
// are the long ones: they start first, the larger first, and the in-process files fill the gaps after them.
// vitest's own order needs the durations of an earlier run on the same machine, which a fresh clone (CI) has not.
import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const STARTS_PROCESSES = /from "(?:node:)?child_process"|from "playwright-core"|\/run-cli\.js"|\/scripts\/reference\.js"/;

function weigh(file: string): { processes: boolean; size: number } {
  try {
    const text = readFileSync(file, "utf8");
    return { processes: STARTS_PROCESSES.test(text), size: text.length };
  } catch {
    return { processes: false, size: 0 };
  }
}

export default class ProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weights = new Map(files.map((file) => [file, weigh(file.moduleId)]));
    return [...files].sort((a, b) => {
      const [x, y] = [weights.get(a)!, weights.get(b)!];
      if (x.processes !== y.processes) return x.processes ? -1 : 1;
      return y.size - x.size || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0);
    });
  }
}
