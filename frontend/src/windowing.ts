/** Which items of a list are on screen, from their heights: the arithmetic of WindowedList. */

export interface Range {
  start: number; // first item rendered
  end: number; // one past the last
  before: number; // px the items above take
  after: number; // px the items below take
}

/**
 * `sizes`: each item's height (px, gap included); `scrolled`: how far the list's top is above
 * the screen's top (negative while the list starts lower); `height`: the screen's height.
 */
export function visibleRange(sizes: readonly number[], scrolled: number, height: number, overscan: number): Range {
  const top = Math.max(0, scrolled);
  const bottom = Math.max(0, scrolled + height);
  let offset = 0;
  let start = sizes.length;
  let end = sizes.length;
  for (let i = 0; i < sizes.length; i++) {
    const next = offset + (sizes[i] ?? 0);
    if (start === sizes.length && next > top) start = i;
    if (offset >= bottom) {
      end = i;
      break;
    }
    offset = next;
  }
  start = Math.max(0, Math.min(start, sizes.length) - overscan);
  end = Math.min(sizes.length, end + overscan);
  const sum = (from: number, to: number) => sizes.slice(from, to).reduce((a, b) => a + b, 0);
  return { start, end, before: sum(0, start), after: sum(end, sizes.length) };
}
