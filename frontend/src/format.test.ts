import { describe, expect, it } from "vitest";
import { formatAge, formatBytes, formatEta, formatPercent, formatSpeed, formatWhen } from "./format";

describe("format", () => {
  it("reads sizes and speeds", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(4.2 * 1024 ** 3)).toBe("4.2 GB");
    expect(formatBytes(512 * 1024 ** 2)).toBe("512 MB");
    expect(formatSpeed(0)).toBe("—");
    expect(formatSpeed(2 * 1024 ** 2)).toBe("2.0 MB/s");
  });

  it("treats an unknown ETA as unknown, not as 100 days", () => {
    expect(formatEta(null)).toBe("—");
    expect(formatEta(45)).toBe("45s");
    expect(formatEta(600)).toBe("10m");
    expect(formatEta(3 * 3600 + 20 * 60)).toBe("3h 20m");
    expect(formatEta(2 * 86400)).toBe("2d");
  });

  it("reads ages, percentages and times", () => {
    expect(formatAge(0.5)).toBe("new");
    expect(formatAge(30)).toBe("30h");
    expect(formatAge(24 * 10)).toBe("10d");
    expect(formatPercent(0.999)).toBe("99%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatWhen(null)).toBe("never");
    expect(formatWhen(1000, 1030)).toBe("just now");
    expect(formatWhen(1000, 1000 + 7200)).toBe("2 hr. ago");
  });
});
