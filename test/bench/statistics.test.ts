// The bench's statistics: medians, ratios paired run by run with dependency-cruiser, and the verdict on a target.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { median, pairedRatio, runsOf, verdict, type Measurement } from "../../scripts/bench.js";

const run = (seconds: number, peakMiB = 100): Measurement => ({ seconds, peakMiB });
const times = fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 9 });

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("has at least half the values on each side, whatever their order", () => {
    fc.assert(
      fc.property(times, (values) => {
        const m = median(values);
        expect(values.filter((value) => value <= m).length * 2).toBeGreaterThanOrEqual(values.length);
        expect(values.filter((value) => value >= m).length * 2).toBeGreaterThanOrEqual(values.length);
        expect(median([...values].reverse())).toBe(m);
      }),
    );
  });
});

describe("runs of one case", () => {
  it("report the median time, the largest peak memory and every time", () => {
    expect(runsOf([run(2, 300), run(1, 500), run(9, 200)])).toEqual({ seconds: 2, peakMiB: 500, times: [2, 1, 9] });
  });
});

describe("paired ratios", () => {
  it("divide each run by the baseline run of the same index, not by the best of either", () => {
    const ratio = pairedRatio(runsOf([run(2), run(6), run(3)]), runsOf([run(4), run(10), run(5)]));
    expect(ratio.runs).toEqual([0.5, 0.6, 0.6]);
    expect(ratio.value).toBe(0.6);
    expect([ratio.low, ratio.high]).toEqual([0.5, 0.6]);
    // The best of each tool would say 2 / 4 = 0.5.
  });

  it("are unchanged when a slow moment slows both runs of a pair alike", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 1, max: 3, noNaN: true })), {
          minLength: 1,
          maxLength: 7,
        }),
        (pairs) => {
          const calm = pairedRatio(runsOf(pairs.map(([topo]) => run(topo))), runsOf(pairs.map(([, cruise]) => run(cruise))));
          const slowed = pairedRatio(runsOf(pairs.map(([topo, , k]) => run(topo * k))), runsOf(pairs.map(([, cruise, k]) => run(cruise * k))));
          expect(slowed.value).toBeCloseTo(calm.value, 9);
          expect(slowed.low).toBeCloseTo(calm.low, 9);
          expect(slowed.high).toBeCloseTo(calm.high, 9);
        },
      ),
    );
  });

  it("refuse runs without a baseline run each", () => {
    expect(() => pairedRatio(runsOf([run(1), run(2)]), runsOf([run(1)]))).toThrow(/as many runs/);
    expect(() => pairedRatio(runsOf([]), runsOf([]))).toThrow(/as many runs/);
  });
});

describe("the verdict on a target", () => {
  it("says met, not met, or in how many runs, judged as printed to two decimals", () => {
    expect(verdict(0.15, [0.12, 0.149])).toBe("≤ 0.15: met");
    expect(verdict(0.15, [0.16, 0.2])).toBe("≤ 0.15: not met");
    expect(verdict(0.15, [0.14, 0.16, 0.17])).toBe("≤ 0.15: met in 1 of 3 rounds");
    // 0.1049 prints as ×0.10, so it meets ≤ 0.1; 0.106 prints as ×0.11 and does not.
    expect(verdict(0.1, [0.1049])).toBe("≤ 0.1: met");
    expect(verdict(0.1, [0.106])).toBe("≤ 0.1: not met");
    expect(verdict(undefined, [0.5])).toBe("");
  });
});
