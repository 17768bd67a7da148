import { describe, expect, it } from "vitest";
import { visibleRange } from "./windowing";

const rows = (count: number, height = 100) => Array.from({ length: count }, () => height);

describe("visibleRange", () => {
  it("renders the screenful at the top, plus the overscan below", () => {
    const range = visibleRange(rows(2000), 0, 850, 3);
    expect([range.start, range.end]).toEqual([0, 12]);
    expect(range.before).toBe(0);
    expect(range.after).toBe(1988 * 100);
  });

  it("follows the scroll, with spacers that add up to the whole list", () => {
    const range = visibleRange(rows(2000), 50_000, 850, 3);
    expect([range.start, range.end]).toEqual([497, 512]);
    expect(range.before + (range.end - range.start) * 100 + range.after).toBe(200_000);
  });

  it("starts at the first item while the list is still below the screen's top", () => {
    expect(visibleRange(rows(50), -300, 850, 2)).toMatchObject({ start: 0, end: 8 });
  });

  it("handles uneven heights, an empty list and a scroll past the end", () => {
    expect(visibleRange([40, 400, 40, 40], 100, 50, 0)).toMatchObject({ start: 1, end: 2, before: 40, after: 80 });
    expect(visibleRange([], 0, 800, 5)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
    expect(visibleRange(rows(10), 5_000, 800, 2)).toMatchObject({ start: 8, end: 10 });
  });
});
